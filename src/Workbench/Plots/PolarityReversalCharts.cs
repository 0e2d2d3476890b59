using Plotly.NET;
using Plotly.NET.CSharp;
using Workbench.Phenomena;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Plots;

/// <summary>The figure of polarity reversal (<see cref="PolarityReversal"/>), after the paper's Fig. 3G.</summary>
public static class PolarityReversalCharts
{
    /// <summary>
    /// Left: each cell's IRF · mean IRF along the natural movie, normalised so its average is 1 (below the dashed zero line
    /// the cell's receptive field is reversed). Right: each cell's prop (fraction of reversed steps) with the reference's
    /// bounds. Without a natural movie, a title saying so.
    /// </summary>
    public static GenericChart PolarityReversal(PolarityReversalResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        string title = $"{r.Name}: {r.Verdict}";
        if (r.Cells.Count == 0)
            return CSharpChart.Line<double, double, string>([0.0], [0.0], Name: "not measured").Titled($"{title} (no natural movie given)").WithSize(700, 300);
        var seconds = r.Seconds.ToArray();
        var dots = CSharpChart.Combine(r.NormalisedDots.Select((d, i) => CSharpChart.Line<double, double, string>(seconds, d, Name: $"cell {r.Cells[i]}"))
            .Append(CSharpChart.Line<double, double, string>([seconds[0], seconds[^1]], [0.0, 0.0], Name: "reversal", ShowLegend: false,
                LineColor: Color.fromString("gray"), LineDash: StyleParam.DrawingStyle.Dash)));
        var labels = r.Cells.Select(c => $"cell {c}").ToArray();
        var props = CSharpChart.Combine([
            CSharpChart.Column<double, string, string>(r.Proportions.Select(p => double.IsFinite(p) ? p : 0).ToArray(), labels, Name: "prop"),
            CSharpChart.Line<string, double, string>([labels[0], labels[^1]], [0.001, 0.001], Name: "bounds", ShowLegend: false,
                LineColor: Color.fromString("gray"), LineDash: StyleParam.DrawingStyle.Dash),
        ]);
        return Panels.Combine([
                new Panel(dots, 0, 0.64, 0, 1, Title: "IRF · mean IRF / |mean IRF|²", XTitle: "time (s)", YTitle: "normalised dot product"),
                new Panel(props, 0.74, 1, 0, 1, Title: $"fraction of steps reversed ({r.Numbers["fraction of cells reversing"]:P0} of cells reverse)",
                    YTitle: "prop"),
            ]).Titled(title).WithSize(1100, 420);
    }
}
