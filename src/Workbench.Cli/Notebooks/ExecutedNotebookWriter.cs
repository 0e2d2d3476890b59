using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workbench.Display;
using Workbench.IO;

namespace Workbench.Cli.Notebooks;

/// <summary>
/// Writes a run back as an nbformat 4.5 notebook: the source notebook with every field it had (Polyglot metadata
/// included), cell ids, execution counts and outputs, plus a <c>workbench</c> entry in the notebook metadata that
/// records the run. The first chart output carries plotly.js, so charts draw when the notebook is opened offline.
/// </summary>
public static class ExecutedNotebookWriter
{
    private static readonly Regex ValidId = new("^[a-zA-Z0-9-_]{1,64}$", RegexOptions.Compiled);

    /// <summary>Writes the executed notebook to <paramref name="path"/> (whole or not at all).</summary>
    public static void Write(NotebookRun run, string path) =>
        AtomicFile.WriteAllText(path, ToJson(run).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

    /// <summary>The executed notebook as JSON.</summary>
    public static JsonObject ToJson(NotebookRun run)
    {
        var root = (JsonObject)run.Notebook.Root.DeepClone();
        root["nbformat"] = 4;
        root["nbformat_minor"] = Math.Max(5, run.Notebook.Root["nbformat_minor"]?.GetValue<int>() ?? 0);
        var metadata = root["metadata"] as JsonObject ?? new JsonObject();
        root["metadata"] = metadata;
        metadata["workbench"] = RunMetadata(run);

        var usedIds = new HashSet<string>(StringComparer.Ordinal);
        bool plotlyIncluded = false;
        var cells = new JsonArray();
        foreach (var cellRun in run.Cells)
        {
            var cell = (JsonObject)cellRun.Cell.Json.DeepClone();
            cell["id"] = UniqueId(cell["id"]?.ToString(), cellRun, usedIds);
            if (cell["cell_type"]?.ToString() == "code")
            {
                cell["execution_count"] = cellRun.ExecutionCount;
                var outputs = new JsonArray();
                foreach (var output in cellRun.Outputs)
                    outputs.Add(ToJson(output, cellRun.ExecutionCount, ref plotlyIncluded));
                cell["outputs"] = outputs;
            }
            cells.Add(cell);
        }
        root["cells"] = cells;
        return root;
    }

    private static JsonObject RunMetadata(NotebookRun run) => new()
    {
        ["status"] = run.Succeeded ? "succeeded" : "failed",
        ["started"] = run.Started.ToString("O"),
        ["duration_seconds"] = Math.Round(run.Duration.TotalSeconds, 3),
        ["parameters"] = new JsonObject(run.Parameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        ["failed_cell"] = run.FailedCell?.Cell.Number,
        ["runner"] = $"workbench notebook run {typeof(ExecutedNotebookWriter).Assembly.GetName().Version?.ToString(3)}",
    };

    private static JsonObject ToJson(CellOutput output, int? executionCount, ref bool plotlyIncluded)
    {
        switch (output)
        {
            case StreamOutput s:
                return new JsonObject { ["output_type"] = "stream", ["name"] = s.Name, ["text"] = Lines(s.Text) };
            case ErrorOutput e:
                return new JsonObject
                {
                    ["output_type"] = "error",
                    ["ename"] = e.Name,
                    ["evalue"] = e.Value,
                    ["traceback"] = new JsonArray(e.Traceback.Select(l => (JsonNode?)l).ToArray()),
                };
            case DisplayOutput d:
                var data = new JsonObject();
                foreach (var (mime, content) in d.Data)
                {
                    string text = content;
                    if (!plotlyIncluded && mime == "text/html" && text.Contains(ChartHtml.Marker, StringComparison.Ordinal))
                    {
                        text = PlotlyJs.ScriptElement() + "\n" + text;
                        plotlyIncluded = true;
                    }
                    data[mime] = Lines(text);
                }
                var json = new JsonObject { ["output_type"] = d.IsResult ? "execute_result" : "display_data", ["data"] = data, ["metadata"] = new JsonObject() };
                if (d.IsResult) json["execution_count"] = executionCount;
                return json;
            default:
                throw new ArgumentOutOfRangeException(nameof(output), output.GetType().Name, "unknown output kind");
        }
    }

    /// <summary>nbformat's multi-line string: a list of lines, each keeping its newline.</summary>
    private static JsonArray Lines(string text)
    {
        var lines = new JsonArray();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
            if (text[i] == '\n')
            {
                lines.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        if (start < text.Length) lines.Add(text[start..]);
        return lines;
    }

    private static string UniqueId(string? existing, CellRun run, HashSet<string> used)
    {
        if (existing is not null && ValidId.IsMatch(existing) && used.Add(existing)) return existing;
        string stem = run.Injected ? NotebookParameters.InjectedTag : $"cell-{run.Cell.Number}";
        string id = stem;
        for (int k = 2; !used.Add(id); k++) id = $"{stem}-{k}";
        return id;
    }
}
