using System.Globalization;

namespace Workbench.Benchmarks.SideBySide;

/// <summary>What one side-by-side run measures: <c>side-by-side [--batch 64] [--steps N] [--repeats R] [--threads T]
/// [--warmup W] [--json OUT] [--python PATH]</c>.</summary>
/// <param name="Batch">Samples per step (the reference trains with 64).</param>
/// <param name="Steps">Steps per timed run.</param>
/// <param name="Repeats">Timed runs per side; the median is reported.</param>
/// <param name="Threads">Intra-op threads for both sides (the same number, or the comparison is not fair).</param>
/// <param name="Warmup">Untimed steps per side before the first timed run.</param>
/// <param name="Json">Where to write the results as JSON, or null.</param>
/// <param name="Python">The interpreter that runs the peer (Debian's python3-torch lives under /usr/bin/python3).</param>
public sealed record SideBySideOptions(int Batch, int Steps, int Repeats, int Threads, int Warmup, string? Json, string Python)
{
    /// <summary>The interpreter Debian's python3-torch installs torch for.</summary>
    public const string DefaultPython = "/usr/bin/python3";

    /// <summary>Usage text, printed on <c>--help</c> and after a malformed argument.</summary>
    public const string Usage =
        "side-by-side [--batch 64] [--steps 10] [--repeats 5] [--threads <cores>] [--warmup 2] [--json OUT] [--python /usr/bin/python3]";

    /// <summary>The defaults: batch 64, 10 steps, 5 repeats, one thread per logical core, 2 warm-up steps.</summary>
    public static SideBySideOptions Default => new(64, 10, 5, Environment.ProcessorCount, 2, null, DefaultPython);

    /// <summary>Reads the arguments after <c>side-by-side</c>.</summary>
    /// <exception cref="ArgumentException">An unknown option, a missing value, or a count that is not a positive integer
    /// (the warm-up may be 0); the message names it.</exception>
    public static SideBySideOptions Parse(IReadOnlyList<string> args)
    {
        var options = Default;
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value. Usage: {Usage}");
            int Count(int minimum)
            {
                string text = Value();
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < minimum)
                    throw new ArgumentException($"{name} must be an integer >= {minimum}, got '{text}'. Usage: {Usage}");
                return n;
            }
            options = name switch
            {
                "--batch" => options with { Batch = Count(1) },
                "--steps" => options with { Steps = Count(1) },
                "--repeats" => options with { Repeats = Count(1) },
                "--threads" => options with { Threads = Count(1) },
                "--warmup" => options with { Warmup = Count(0) },
                "--json" => options with { Json = Value() },
                "--python" => options with { Python = Value() },
                _ => throw new ArgumentException($"Unknown option '{name}'. Usage: {Usage}"),
            };
        }
        return options;
    }
}
