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

    /// <summary>A one-line text stand-in for a chart (what a plain-text viewer shows).</summary>
    public static string Summary(GenericChart chart)
    {
        var traces = GenericChart.getTraces(chart).Select(t => t.type).ToList();
        return $"Plotly chart ({traces.Count} trace{(traces.Count == 1 ? "" : "s")}: {string.Join(", ", traces.Distinct())})";
    }
}
