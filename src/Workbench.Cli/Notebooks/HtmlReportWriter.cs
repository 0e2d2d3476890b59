using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Markdig;
using Workbench.Display;
using Workbench.IO;

namespace Workbench.Cli.Notebooks;

/// <summary>
/// Writes a run as one standalone HTML page: markdown rendered, code, outputs and errors, with plotly.js inlined once
/// (only when the page has charts) so it opens offline in any browser.
/// </summary>
public static class HtmlReportWriter
{
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    /// <summary>Writes the report to <paramref name="path"/> (whole or not at all).</summary>
    public static void Write(NotebookRun run, string path) => AtomicFile.WriteAllText(path, ToHtml(run));

    /// <summary>The report as an HTML document.</summary>
    public static string ToHtml(NotebookRun run)
    {
        var body = new StringBuilder();
        foreach (var cell in run.Cells) AppendCell(body, cell);
        string content = body.ToString();
        string title = Title(run);
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append($"<title>{Encode(title)}</title>\n<style>{Css}</style>\n");
        if (content.Contains(ChartHtml.Marker, StringComparison.Ordinal)) page.Append(PlotlyJs.ScriptElement()).Append('\n');
        page.Append("</head>\n<body>\n<main>\n").Append(Header(run, title)).Append(content).Append("</main>\n</body>\n</html>\n");
        return page.ToString();
    }

    private static string Header(NotebookRun run, string title)
    {
        string status = run.Succeeded
            ? "<span class=\"ok\">succeeded</span>"
            : $"<span class=\"failed\">failed at cell {run.FailedCell!.Cell.Number}</span>";
        string parameters = run.Parameters.Count == 0
            ? "defaults"
            : string.Join(", ", run.Parameters.Select(p => $"<code>{Encode(p.Key)}={Encode(p.Value)}</code>"));
        return $"<header><div class=\"source\">{Encode(Path.GetFileName(run.Notebook.Path))}</div>" +
               $"<div class=\"run\">Run {Encode(run.Started.ToString("yyyy-MM-dd HH:mm:ss zzz"))} · {run.Duration.TotalSeconds:F1} s · {status} · parameters: {parameters}</div></header>\n" +
               (title == run.Notebook.Name ? $"<h1>{Encode(title)}</h1>\n" : "");
    }

    private static void AppendCell(StringBuilder html, CellRun run)
    {
        var cell = run.Cell;
        switch (cell.Kind)
        {
            case CellKind.Markdown:
                string text = Regex.Replace(cell.Source, @"^\s*#!(markdown|md)\s*\n", "");
                html.Append($"<section class=\"cell markdown\">{Markdig.Markdown.ToHtml(text, Markdown)}</section>\n");
                return;
            case CellKind.Raw:
                html.Append($"<section class=\"cell raw\"><pre>{Encode(cell.Source)}</pre></section>\n");
                return;
        }
        string state = run.Status switch
        {
            CellStatus.Failed => " failed",
            CellStatus.Skipped => " skipped",
            _ => run.Injected ? " injected" : "",
        };
        string prompt = run.ExecutionCount is { } n ? $"In [{n}]" : "In [ ]";
        string note = run.Status switch
        {
            CellStatus.Skipped => "not run: an earlier cell failed",
            _ when run.Injected => $"parameters injected by the runner · {Seconds(run.Duration)}",
            _ => Seconds(run.Duration),
        };
        html.Append($"<section class=\"cell code{state}\"><div class=\"prompt\">{prompt}<span class=\"time\">{note}</span></div>")
            .Append($"<pre class=\"source\"><code class=\"language-csharp\">{Encode(cell.Source)}</code></pre>");
        foreach (var output in run.Outputs) html.Append(OutputHtml(output));
        html.Append("</section>\n");
    }

    private static string OutputHtml(CellOutput output) => output switch
    {
        StreamOutput s => $"<pre class=\"output {s.Name}\">{Encode(s.Text)}</pre>",
        ErrorOutput e => $"<pre class=\"output error\"><strong>{Encode(e.Name)}: {Encode(e.Value)}</strong>\n{Encode(string.Join("\n", e.Traceback))}</pre>",
        DisplayOutput d when d.Data.TryGetValue("text/html", out var h) => $"<div class=\"output html\">{h}</div>",
        DisplayOutput d when d.Data.TryGetValue("image/svg+xml", out var svg) => $"<div class=\"output html\">{svg}</div>",
        DisplayOutput d when d.Data.TryGetValue("image/png", out var png) => $"<div class=\"output\"><img src=\"data:image/png;base64,{png.Trim()}\"></div>",
        DisplayOutput d when d.Data.TryGetValue("text/plain", out var t) => $"<pre class=\"output\">{Encode(t)}</pre>",
        _ => "",
    };

    private static string Title(NotebookRun run)
    {
        var first = run.Cells.FirstOrDefault(c => c.Cell.Kind == CellKind.Markdown);
        var heading = first is null ? null : Regex.Match(first.Cell.Source, @"^\s*#\s+(.+)$", RegexOptions.Multiline);
        return heading is { Success: true } ? heading.Groups[1].Value.Trim() : run.Notebook.Name;
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds < 10 ? $"{t.TotalSeconds:F2} s" : $"{t.TotalSeconds:F1} s";

    private static string Encode(string s) => WebUtility.HtmlEncode(s);

    private const string Css = """
        body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; margin: 0; background: #f6f7f9; color: #1d2330; }
        main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 64px; background: #fff; min-height: 100vh; }
        header { border-bottom: 1px solid #e3e6eb; padding-bottom: 8px; margin-bottom: 16px; color: #5b6473; font-size: 13px; }
        header .source { font-weight: 600; color: #1d2330; }
        .ok { color: #1a7f37; font-weight: 600; } .failed { color: #cf222e; font-weight: 600; }
        .cell { margin: 12px 0; }
        .cell.code { border-left: 3px solid #d0d7de; padding-left: 12px; }
        .cell.code.failed { border-left-color: #cf222e; } .cell.code.skipped { opacity: 0.55; } .cell.code.injected { border-left-color: #bf8700; }
        .prompt { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; color: #57606a; margin-bottom: 4px; }
        .prompt .time { float: right; }
        pre { margin: 0; padding: 8px 10px; overflow-x: auto; font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; white-space: pre-wrap; }
        pre.source { background: #f6f8fa; border-radius: 4px; }
        .output { margin-top: 6px; } pre.output.stderr { background: #fff8c5; } pre.output.error { background: #ffebe9; color: #82071e; }
        .workbench-table { border-collapse: collapse; font-size: 13px; } .workbench-table th, .workbench-table td { border: 1px solid #e3e6eb; padding: 3px 8px; }
        .markdown table { border-collapse: collapse; } .markdown th, .markdown td { border: 1px solid #d0d7de; padding: 4px 8px; }
        .markdown code { background: #f6f8fa; padding: 1px 4px; border-radius: 3px; }
        """;
}
