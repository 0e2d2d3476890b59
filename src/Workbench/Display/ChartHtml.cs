using Plotly.NET;

namespace Workbench.Display;

/// <summary>Turns Plotly.NET charts into HTML fragments that draw once plotly.js is on the page.</summary>
public static class ChartHtml
{
    /// <summary>Attribute that marks a chart fragment, so writers know a page needs <see cref="PlotlyJs.ScriptElement"/>.</summary>
    public const string Marker = "data-workbench-chart";

    /// <summary>
    /// A <c>&lt;div&gt;</c> plus a script that draws <paramref name="chart"/> into it: at once if <c>window.Plotly</c>
    /// exists, else as soon as <see cref="PlotlyJs.ScriptElement"/> runs. The fragment carries no copy of plotly.js.
    /// </summary>
    public static string Fragment(GenericChart chart)
    {
        string id = "wbchart-" + Guid.NewGuid().ToString("N")[..16];
        string figure = GenericChart.toJson(chart).Replace("</", "<\\/", StringComparison.Ordinal);
        return $"<div class=\"workbench-chart\" id=\"{id}\" {Marker}=\"1\"></div>\n" +
               "<script type=\"text/javascript\">(function () {\n" +
               $"  var figure = {figure};\n" +
               $"  var draw = function () {{ Plotly.newPlot('{id}', figure.data, figure.layout, figure.config); }};\n" +
               "  if (window.Plotly) { draw(); } else { (window.workbenchPlotlyQueue = window.workbenchPlotlyQueue || []).push(draw); }\n" +
               "})();</script>";
    }

    /// <summary>
    /// A standalone, offline HTML page: <paramref name="title"/> as its heading, then each section's heading and chart, with
    /// plotly.js inlined once (what the CLI's <c>--report</c> options write).
    /// </summary>
    public static string Page(string title, IEnumerable<(string Heading, GenericChart Chart)> sections)
    {
        var page = new System.Text.StringBuilder();
        string encoded = System.Net.WebUtility.HtmlEncode(title);
        page.Append($"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{encoded}</title>\n").Append(PlotlyJs.ScriptElement())
            .Append($"\n</head><body>\n<h1>{encoded}</h1>\n");
        foreach (var (heading, chart) in sections)
            page.Append($"<h2>{System.Net.WebUtility.HtmlEncode(heading)}</h2>\n").Append(Fragment(chart)).Append('\n');
        return page.Append("</body></html>\n").ToString();
    }

    /// <summary>A one-line text stand-in for a chart (what a plain-text viewer shows).</summary>
    public static string Summary(GenericChart chart)
    {
        var traces = GenericChart.getTraces(chart).Select(t => t.type).ToList();
        return $"Plotly chart ({traces.Count} trace{(traces.Count == 1 ? "" : "s")}: {string.Join(", ", traces.Distinct())})";
    }
}
