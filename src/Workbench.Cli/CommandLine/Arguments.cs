namespace Workbench.Cli.CommandLine;

/// <summary>
/// The arguments of one command: positionals, <c>--flag</c>s and <c>--option value</c> (or <c>--option=value</c>) pairs,
/// checked against what the command accepts so a typo is an error, not a silently ignored word.
/// </summary>
public sealed class Arguments
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    /// <summary>Parses <paramref name="args"/> for command <paramref name="command"/>.</summary>
    /// <param name="args">The words after the command name.</param>
    /// <param name="command">The command, for error messages (e.g. <c>notebook run</c>).</param>
    /// <param name="flags">Options that take no value.</param>
    /// <param name="options">Options that take a value (may repeat).</param>
    /// <exception cref="UsageException">An unknown option, or an option without its value.</exception>
    public Arguments(IReadOnlyList<string> args, string command, IEnumerable<string> flags, IEnumerable<string> options)
    {
        var flagSet = flags.ToHashSet(StringComparer.Ordinal);
        var optionSet = options.ToHashSet(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a == "--")
            {
                Positionals.AddRange(args.Skip(i + 1));
                break;
            }
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2)
            {
                Positionals.Add(a);
                continue;
            }
            string name = a[2..], value;
            int eq = name.IndexOf('=');
            if (eq >= 0) (name, value) = (name[..eq], name[(eq + 1)..]);
            else value = "";
            if (flagSet.Contains(name) && eq < 0)
                _flags.Add(name);
            else if (optionSet.Contains(name))
            {
                if (eq < 0)
                {
                    if (i + 1 >= args.Count) throw new UsageException($"workbench {command}: --{name} needs a value.");
                    value = args[++i];
                }
                if (!_options.TryGetValue(name, out var list)) _options[name] = list = [];
                list.Add(value);
            }
            else
                throw new UsageException($"workbench {command}: unknown option --{name}. See 'workbench {command} --help'.");
        }
    }

    /// <summary>Words that are not options, in order.</summary>
    public List<string> Positionals { get; } = [];

    /// <summary>Whether <c>--name</c> was given.</summary>
    public bool Flag(string name) => _flags.Contains(name);

    /// <summary>The last value of <c>--name</c>, or <paramref name="fallback"/>.</summary>
    public string? Option(string name, string? fallback = null) => _options.TryGetValue(name, out var v) ? v[^1] : fallback;

    /// <summary>Every value of a repeatable option, in order.</summary>
    public IReadOnlyList<string> All(string name) => _options.TryGetValue(name, out var v) ? v : [];

    /// <summary>An integer option.</summary>
    /// <exception cref="UsageException">The value is not a whole number.</exception>
    public int? Int(string name) =>
        Option(name) is { } s ? int.TryParse(s, out int n) ? n : throw new UsageException($"--{name} {s}: expected a whole number.") : null;
}
