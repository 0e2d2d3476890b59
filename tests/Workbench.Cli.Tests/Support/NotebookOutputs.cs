using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workbench.Display;

namespace Workbench.Cli.Tests.Support;

/// <summary>What an executed notebook's outputs say, in a form two hosts can be compared by.</summary>
internal static partial class NotebookOutputs
{
    /// <summary>The code cells' outputs, by cell position in the executed notebook.</summary>
    public static IReadOnlyDictionary<int, IReadOnlyList<JsonObject>> ByCell(string executedNotebook)
    {
        var cells = JsonNode.Parse(File.ReadAllText(executedNotebook))!["cells"]!.AsArray();
        var result = new Dictionary<int, IReadOnlyList<JsonObject>>();
        for (int i = 0; i < cells.Count; i++)
            if ((string?)cells[i]!["cell_type"] == "code")
                result[i] = cells[i]!["outputs"]?.AsArray().Select(o => o!.AsObject()).ToList() ?? [];
        return result;
    }

    /// <summary>A MIME entry's text (nbformat stores it as a string or a list of lines).</summary>
    public static string? Text(JsonObject output, string mime) =>
        output["data"]?[mime] switch
        {
            JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
            JsonValue v => (string?)v,
            _ => mime == "text/plain" && output["text"] is { } stream
                ? stream is JsonArray s ? string.Concat(s.Select(l => (string?)l)) : (string?)stream
                : null,
        };

    /// <summary>How many workbench charts an output draws (text/html fragments marked by <see cref="ChartHtml.Marker"/>).</summary>
    public static int Charts(JsonObject output) =>
        Regex.Count(Text(output, "text/html") ?? "", Regex.Escape(ChartHtml.Marker) + "=");

    /// <summary>
    /// The headline numbers of a cell: every number its outputs show as text (the HTML's text where there is HTML, so
    /// both hosts are read alike; scripts, styles and so chart data left out), less what differs between any two runs:
    /// file paths, durations, samples per second and ETAs.
    /// </summary>
    public static IReadOnlyList<string> HeadlineNumbers(IEnumerable<JsonObject> outputs)
    {
        var numbers = new List<string>();
        foreach (var output in outputs)
        {
            string? html = Text(output, "text/html");
            string text = html is not null ? WebUtility.HtmlDecode(Markup().Replace(html, " ")) : Text(output, "text/plain") ?? "";
            text = Volatile().Replace(Paths().Replace(text, " "), " ");
            numbers.AddRange(Number().Matches(text).Select(m => m.Value));
        }
        return numbers;
    }

    [GeneratedRegex(@"<style.*?</style>|<script.*?</script>|<[^>]+>", RegexOptions.Singleline)]
    private static partial Regex Markup();

    [GeneratedRegex(@"(/[^\s<>""']+)+")]
    private static partial Regex Paths();

    [GeneratedRegex(@"\d+(\.\d+)? ?(ms|s)\b|\d+ samples/s|ETA \d+:\d\d:\d\d")]
    private static partial Regex Volatile();

    [GeneratedRegex(@"-?\d+(\.\d+)?(e-?\d+)?")]
    private static partial Regex Number();
}
