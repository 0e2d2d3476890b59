using System.Text.Json.Nodes;
using Workbench.Cli.Notebooks;

namespace Workbench.Cli.Tests.Support;

/// <summary>Writes small Polyglot-style notebooks for tests.</summary>
internal static class TestNotebook
{
    /// <summary>A C# code cell.</summary>
    public static JsonObject Code(string source, params string[] tags)
    {
        var meta = new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" } };
        if (tags.Length > 0) meta["tags"] = new JsonArray(tags.Select(t => (JsonNode?)t).ToArray());
        return new JsonObject
        {
            ["cell_type"] = "code", ["execution_count"] = null, ["metadata"] = meta, ["outputs"] = new JsonArray(), ["source"] = source,
        };
    }

    /// <summary>A markdown cell.</summary>
    public static JsonObject Markdown(string source) =>
        new() { ["cell_type"] = "markdown", ["metadata"] = new JsonObject(), ["source"] = source };

    /// <summary>The notebook JSON with the .NET Interactive metadata.</summary>
    public static JsonObject Json(params JsonObject[] cells) => new()
    {
        ["cells"] = new JsonArray(cells.Select(c => (JsonNode?)c).ToArray()),
        ["metadata"] = new JsonObject
        {
            ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
            ["polyglot_notebook"] = new JsonObject { ["kernelInfo"] = new JsonObject { ["defaultKernelName"] = "csharp" } },
        },
        ["nbformat"] = 4,
        ["nbformat_minor"] = 4,
    };

    /// <summary>Writes the notebook to <paramref name="folder"/>/<paramref name="name"/>.ipynb and returns the path.</summary>
    public static string Write(string folder, string name, params JsonObject[] cells)
    {
        string path = Path.Combine(folder, name + ".ipynb");
        File.WriteAllText(path, Json(cells).ToJsonString());
        return path;
    }

    /// <summary>Writes and runs a notebook in this process.</summary>
    public static NotebookRun Run(string folder, IReadOnlyDictionary<string, string>? parameters, params JsonObject[] cells) =>
        NotebookRunner.Run(NotebookDocument.Load(Write(folder, "test", cells)),
            new NotebookRunOptions { Parameters = parameters ?? new Dictionary<string, string>() });

    /// <summary>Writes and runs a notebook in this process with no parameter overrides.</summary>
    public static NotebookRun Run(string folder, params JsonObject[] cells) => Run(folder, null, cells);

    /// <summary>The text of every output of a kind in a cell, joined.</summary>
    public static string Text(CellRun cell, string mime = "text/plain") => string.Join("|", cell.Outputs.Select(o => o switch
    {
        StreamOutput s => $"{s.Name}:{s.Text}",
        DisplayOutput d => $"{(d.IsResult ? "result" : "display")}:{(d.Data.TryGetValue(mime, out var v) ? v : "")}",
        ErrorOutput e => $"error:{e.Name}:{e.Value}",
        _ => "",
    }));
}
