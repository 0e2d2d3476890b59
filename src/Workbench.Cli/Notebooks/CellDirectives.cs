using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace Workbench.Cli.Notebooks;

/// <summary>
/// A C# cell with its .NET Interactive directives dealt with: <c>#r "nuget: …"</c>, <c>#r "path"</c>, <c>#load</c>,
/// <c>#i</c> and <c>#!</c> magics. Directive lines become blank lines, so compiler line numbers still match the cell.
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

    private static readonly Regex LoadDirective = new(@"^#load\s+""(?<path>[^""]+)""\s*$", RegexOptions.Compiled);

    /// <summary>How deep <c>#load</c> may nest before the runner calls it a cycle.</summary>
    private const int MaxLoadDepth = 16;

    /// <summary>Reads the directives of one cell.</summary>
    /// <param name="cell">The cell.</param>
    /// <param name="notebookDirectory">Folder relative <c>#r</c> and <c>#load</c> paths are resolved against.</param>
    /// <param name="catalog">The packages the runner carries.</param>
    /// <exception cref="NotebookInputException">An unknown package, a missing assembly or script file or an unsupported magic; the message names the cell and line.</exception>
    public static CellDirectives Parse(NotebookCell cell, string notebookDirectory, PackageCatalog catalog)
    {
        var result = new Collector(catalog);
        string code = result.Read(cell.Source, notebookDirectory, $"cell {cell.Number}", depth: 0);
        return new CellDirectives(code, result.References, result.Notes, result.Timed, result.ShowVariables);
    }

    /// <summary>What the lines of a cell, and of the scripts it <c>#load</c>s, add up to.</summary>
    private sealed class Collector(PackageCatalog catalog)
    {
        public List<MetadataReference> References { get; } = [];
        public List<string> Notes { get; } = [];
        public bool Timed { get; private set; }
        public bool ShowVariables { get; private set; }

        /// <summary>Returns the code with every directive line blanked (so compiler line numbers still match).</summary>
        public string Read(string source, string baseDirectory, string origin, int depth)
        {
            var code = new StringBuilder();
            string[] lines = source.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i].TrimEnd('\r');
                string trimmed = line.Trim();
                string where = $"{origin}, line {i + 1}";
                if (trimmed.StartsWith("#!", StringComparison.Ordinal))
                {
                    string magic = trimmed[2..].Split(' ', 2)[0];
                    if (magic.Equals("time", StringComparison.OrdinalIgnoreCase)) Timed = true;
                    else if (magic is "who" or "whos") ShowVariables = true;
                    else if (!CSharpChoosers.Contains(magic))
                        throw new NotebookInputException(
                            $"{where}: the magic command '#!{magic}' is not supported by the workbench runner " +
                            "(supported: #!csharp, #!c#, #!markdown, #!time, #!who, #!whos).");
                }
                else if (trimmed.StartsWith("#i ", StringComparison.Ordinal))
                {
                    Notes.Add($"{where}: '{trimmed}' ignored: the runner uses only the packages the workbench carries.");
                }
                else if (NuGetReference.Match(trimmed) is { Success: true } nuget)
                {
                    try
                    {
                        var (package, note) = catalog.Resolve(nuget.Groups["id"].Value, nuget.Groups["version"].Value);
                        References.AddRange(PackageCatalog.References(package));
                        if (note is not null) Notes.Add($"{where}: {note}");
                    }
                    catch (KeyNotFoundException e)
                    {
                        throw new NotebookInputException($"{where}: {e.Message}", e);
                    }
                }
                else if (trimmed.StartsWith("#r ", StringComparison.Ordinal) && PathReference.Match(trimmed) is { Success: true } pathRef)
                {
                    var (reference, rewritten) = ResolvePath(pathRef.Groups["path"].Value, baseDirectory, where);
                    if (reference is not null) References.Add(reference);
                    if (rewritten is not null) code.Append(rewritten);
                }
                else if (trimmed.StartsWith("#load ", StringComparison.Ordinal) && LoadDirective.Match(trimmed) is { Success: true } load)
                {
                    string? rewritten = Load(load.Groups["path"].Value, baseDirectory, where, depth);
                    if (rewritten is not null) code.Append(rewritten);
                }
                else
                {
                    code.Append(line);
                }
                if (i < lines.Length - 1) code.Append('\n');
            }
            return code.ToString();
        }

        /// <summary>
        /// <c>#load "file.csx"</c>, resolved against the notebook's folder as the kernel resolves it against its working
        /// folder (the notebook's, in Jupyter and VS Code). Its directives are answered here like a cell's, so its
        /// <c>#r</c> lines reach the assemblies this process holds, never a second copy; any code it has is loaded from
        /// a copy with those lines blanked. Returns the line Roslyn sees in place of the directive.
        /// </summary>
        private string? Load(string path, string baseDirectory, string where, int depth)
        {
            string full = Path.GetFullPath(Path.Combine(baseDirectory, path));
            if (!File.Exists(full))
            {
                if (!WorkbenchBootstrap.IsBootstrap(full))
                    throw new NotebookInputException($"{where}: #load \"{path}\": no such file ({full}).");
                // The bootstrap is written beside notebooks/ by every build; a notebook elsewhere may lack it. The runner
                // needs none of it (it answers the script's #r lines with its own assemblies), the kernel does.
                foreach (string assembly in WorkbenchBootstrap.Assemblies)
                    if (HostAssemblyPath(Path.GetFileNameWithoutExtension(assembly)) is { } hosted)
                        References.Add(MetadataReference.CreateFromFile(hosted));
                Notes.Add($"{where}: {full} does not exist; the runner uses the workbench it runs on. The .NET Interactive " +
                          "kernel needs that file: every build of src/Workbench writes notebooks/workbench.csx " +
                          "(./environment/setup.sh builds); load it from there by its absolute path.");
                return null;
            }
            if (depth >= MaxLoadDepth)
                throw new NotebookInputException($"{where}: #load \"{path}\": scripts load each other more than {MaxLoadDepth} deep (a cycle?).");
            string code = Read(File.ReadAllText(full), Path.GetDirectoryName(full)!, full, depth + 1);
            if (code.Split('\n').All(l => l.Trim().Length == 0 || l.TrimStart().StartsWith("//", StringComparison.Ordinal))) return null;
            string copy = Path.Combine(Path.GetTempPath(), "retina-workbench", "loads",
                Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(full + "\n" + code)))[..16] + "-" + Path.GetFileName(full));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            if (!File.Exists(copy)) File.WriteAllText(copy, code);
            return $"#load \"{copy}\"";
        }
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
