using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace Workbench.Cli.Notebooks;

/// <summary>
/// A C# cell with its .NET Interactive directives dealt with: <c>#r "nuget: …"</c>, <c>#r "path"</c>, <c>#i</c> and
/// <c>#!</c> magics. Directive lines become blank lines, so compiler line numbers still match the cell.
/// </summary>
/// <param name="Code">What Roslyn compiles.</param>
/// <param name="References">Assemblies to add for this cell (packages and the host's own assemblies).</param>
/// <param name="Notes">Messages for the cell's stderr (substituted package versions, ignored package sources).</param>
/// <param name="Timed">True when the cell starts with <c>#!time</c>.</param>
/// <param name="ShowVariables">True when the cell holds <c>#!who</c> or <c>#!whos</c>.</param>
public sealed record CellDirectives(string Code, IReadOnlyList<MetadataReference> References, IReadOnlyList<string> Notes, bool Timed, bool ShowVariables)
{
    private static readonly Regex NuGetReference = new(@"^#r\s+""nuget:\s*(?<id>[^,""\s]+)\s*(,\s*(?<version>[^""]*?))?\s*""\s*$", RegexOptions.Compiled);
    private static readonly Regex PathReference = new(@"^#r\s+""(?<path>[^""]+)""\s*$", RegexOptions.Compiled);

    /// <summary>Magics that choose the C# kernel (no-ops here).</summary>
    private static readonly HashSet<string> CSharpChoosers = new(StringComparer.OrdinalIgnoreCase) { "csharp", "c#" };

    /// <summary>Reads the directives of one cell.</summary>
    /// <param name="cell">The cell.</param>
    /// <param name="notebookDirectory">Folder relative <c>#r</c> paths are resolved against.</param>
    /// <param name="catalog">The packages the runner carries.</param>
    /// <exception cref="NotebookInputException">An unknown package, a missing assembly file or an unsupported magic; the message names the cell and line.</exception>
    public static CellDirectives Parse(NotebookCell cell, string notebookDirectory, PackageCatalog catalog)
    {
        var code = new StringBuilder();
        var references = new List<MetadataReference>();
        var notes = new List<string>();
        bool timed = false, who = false;
        string[] lines = cell.Source.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            string trimmed = line.Trim();
            string where = $"cell {cell.Number}, line {i + 1}";
            if (trimmed.StartsWith("#!", StringComparison.Ordinal))
            {
                string magic = trimmed[2..].Split(' ', 2)[0];
                if (magic.Equals("time", StringComparison.OrdinalIgnoreCase)) timed = true;
                else if (magic is "who" or "whos") who = true;
                else if (!CSharpChoosers.Contains(magic))
                    throw new NotebookInputException(
                        $"{where}: the magic command '#!{magic}' is not supported by the workbench runner " +
                        "(supported: #!csharp, #!c#, #!markdown, #!time, #!who, #!whos).");
            }
            else if (trimmed.StartsWith("#i ", StringComparison.Ordinal))
            {
                notes.Add($"{where}: '{trimmed}' ignored: the runner uses only the packages the workbench carries.");
            }
            else if (NuGetReference.Match(trimmed) is { Success: true } nuget)
            {
                try
                {
                    var (package, note) = catalog.Resolve(nuget.Groups["id"].Value, nuget.Groups["version"].Value);
                    references.AddRange(PackageCatalog.References(package));
                    if (note is not null) notes.Add($"{where}: {note}");
                }
                catch (KeyNotFoundException e)
                {
                    throw new NotebookInputException($"{where}: {e.Message}", e);
                }
            }
            else if (trimmed.StartsWith("#r ", StringComparison.Ordinal) && PathReference.Match(trimmed) is { Success: true } pathRef)
            {
                var (reference, rewritten) = ResolvePath(pathRef.Groups["path"].Value, notebookDirectory, where);
                if (reference is not null) references.Add(reference);
                if (rewritten is not null) code.Append(rewritten);
            }
            else
            {
                code.Append(line);
            }
            if (i < lines.Length - 1) code.Append('\n');
        }
        return new CellDirectives(code.ToString(), references, notes, timed, who);
    }

    /// <summary>
    /// An assembly this process already holds (Workbench.dll from any build output, TorchSharp.dll ...) is referenced
    /// from the loaded copy, never loaded twice; any other existing file is left to Roslyn with an absolute path.
    /// </summary>
    private static (MetadataReference? Reference, string? Rewritten) ResolvePath(string path, string baseDirectory, string where)
    {
        bool looksLikeFile = path.Contains('/') || path.Contains('\\') || path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        if (!looksLikeFile) return (null, $"#r \"{path}\""); // a framework assembly by name, e.g. #r "System.Text.Json"
        string name = Path.GetFileNameWithoutExtension(path);
        string? hosted = HostAssemblyPath(name);
        if (hosted is not null) return (MetadataReference.CreateFromFile(hosted), null);
        string full = Path.GetFullPath(Path.Combine(baseDirectory, path));
        if (!File.Exists(full))
            throw new NotebookInputException($"{where}: #r \"{path}\": no such file ({full}).");
        return (null, $"#r \"{full}\"");
    }

    private static string? HostAssemblyPath(string simpleName)
    {
        var loaded = AppDomain.CurrentDomain.GetAssemblies()
            .FirstOrDefault(a => !a.IsDynamic && string.Equals(a.GetName().Name, simpleName, StringComparison.OrdinalIgnoreCase));
        if (loaded is not null && !string.IsNullOrEmpty(loaded.Location)) return loaded.Location;
        string beside = Path.Combine(AppContext.BaseDirectory, simpleName + ".dll");
        return File.Exists(beside) ? beside : null;
    }
}
