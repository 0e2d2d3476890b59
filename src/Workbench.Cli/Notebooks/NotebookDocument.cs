using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workbench.Cli.Notebooks;

/// <summary>
/// A Jupyter notebook (nbformat 4) holding C# cells in the Polyglot / .NET Interactive layout, read whole so that every
/// field the runner does not interpret (notebook and cell metadata, attachments) is written back unchanged.
/// </summary>
public sealed class NotebookDocument
{
    private static readonly Dictionary<string, string> KernelAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["csharp"] = "csharp", ["c#"] = "csharp", [".net-csharp"] = "csharp",
        ["markdown"] = "markdown", ["md"] = "markdown",
        ["fsharp"] = "fsharp", ["f#"] = "fsharp", [".net-fsharp"] = "fsharp",
        ["pwsh"] = "pwsh", ["powershell"] = "pwsh", [".net-pwsh"] = "pwsh",
    };

    private NotebookDocument(string path, JsonObject root, IReadOnlyList<NotebookCell> cells)
    {
        Path = path;
        Root = root;
        Cells = cells;
    }

    /// <summary>The file the notebook was read from.</summary>
    public string Path { get; }

    /// <summary>The notebook as stored.</summary>
    public JsonObject Root { get; }

    /// <summary>The cells in order.</summary>
    public IReadOnlyList<NotebookCell> Cells { get; }

    /// <summary>The file name without extension, used to name outputs.</summary>
    public string Name => System.IO.Path.GetFileNameWithoutExtension(Path);

    /// <summary>Reads and checks a notebook: it must be nbformat 4 and every code cell must be C# (or markdown).</summary>
    /// <exception cref="NotebookInputException">The file is missing, is not JSON, is not a notebook, or holds non-C# code.</exception>
    public static NotebookDocument Load(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new NotebookInputException($"{path}: no such file.");
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllText(full), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new NotebookInputException($"{path}: not valid JSON ({e.Message}).", e);
        }
        if (node is not JsonObject root || root["cells"] is not JsonArray cellArray)
            throw new NotebookInputException($"{path}: not a Jupyter notebook (no top-level \"cells\" array).");
        if (root["nbformat"]?.GetValueKind() != JsonValueKind.Number || root["nbformat"]!.GetValue<int>() != 4)
            throw new NotebookInputException($"{path}: nbformat {root["nbformat"]?.ToJsonString() ?? "(missing)"} is not supported; the runner reads nbformat 4.");

        string defaultKernel = DefaultKernel(root);
        var cells = new List<NotebookCell>();
        for (int i = 0; i < cellArray.Count; i++)
        {
            if (cellArray[i] is not JsonObject cell)
                throw new NotebookInputException($"{path}: cell {i + 1} is not a JSON object.");
            string type = cell["cell_type"]?.GetValueKind() == JsonValueKind.String ? cell["cell_type"]!.GetValue<string>() : "";
            string source = ReadSource(cell["source"], path, i);
            var tags = (cell["metadata"]?["tags"] as JsonArray)?.Select(t => t?.ToString() ?? "").ToList() ?? [];
            CellKind kind = type switch
            {
                "markdown" => CellKind.Markdown,
                "raw" => CellKind.Raw,
                "code" => CodeCellKind(cell, source, defaultKernel, path, i),
                _ => throw new NotebookInputException($"{path}: cell {i + 1} has cell_type \"{type}\"; expected code, markdown or raw."),
            };
            cells.Add(new NotebookCell(i, kind, source, tags, cell));
        }
        return new NotebookDocument(full, root, cells);
    }

    private static CellKind CodeCellKind(JsonObject cell, string source, string defaultKernel, string path, int index)
    {
        string kernel = CellKernel(cell) ?? defaultKernel;
        // A kernel-chooser magic on the first line (#!csharp, #!fsharp, #!markdown ...) overrides the metadata.
        string first = source.TrimStart().Split('\n', 2)[0].Trim();
        if (first.StartsWith("#!", StringComparison.Ordinal) && KernelAliases.TryGetValue(first[2..], out var chosen)) kernel = chosen;
        return kernel switch
        {
            "csharp" => CellKind.Code,
            "markdown" => CellKind.Markdown,
            _ => throw new NotebookInputException(
                $"{path}: cell {index + 1} is written for the '{kernel}' kernel; the workbench runner executes C# only."),
        };
    }

    private static string? CellKernel(JsonObject cell)
    {
        string? name = cell["metadata"]?["polyglot_notebook"]?["kernelName"]?.ToString()
            ?? cell["metadata"]?["dotnet_interactive"]?["language"]?.ToString();
        return name is null ? null : Normalise(name);
    }

    private static string DefaultKernel(JsonObject root)
    {
        var meta = root["metadata"];
        string? name = meta?["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"]?.ToString()
            ?? meta?["kernelInfo"]?["defaultKernelName"]?.ToString()
            ?? meta?["kernelspec"]?["name"]?.ToString();
        if (name is null) return "csharp";
        string kernel = Normalise(name);
        // Unknown kernelspecs (python3, ir ...) name themselves best by their language.
        return KernelAliases.ContainsKey(name) ? kernel : Normalise(meta?["kernelspec"]?["language"]?.ToString() ?? name);
    }

    private static string Normalise(string name) => KernelAliases.TryGetValue(name.Trim(), out var k) ? k : name.Trim().ToLowerInvariant();

    private static string ReadSource(JsonNode? source, string path, int index) => source switch
    {
        null => "",
        JsonArray lines => string.Concat(lines.Select(l => l?.GetValueKind() == JsonValueKind.String
            ? l.GetValue<string>()
            : throw new NotebookInputException($"{path}: cell {index + 1} has a non-string source line."))),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw new NotebookInputException($"{path}: cell {index + 1} has a source that is neither text nor a list of lines."),
    };
}
