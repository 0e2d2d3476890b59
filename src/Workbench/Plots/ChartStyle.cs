using Plotly.NET;
using Plotly.NET.CSharp;

namespace Workbench.Plots;

/// <summary>Small conveniences over Plotly.NET.CSharp for the styling every workbench chart shares.</summary>
public static class ChartStyle
{
    /// <summary>Sets the chart title (Plotly.NET.CSharp 0.14 does not wrap <c>withTitle</c>, so this calls the F# core).</summary>
    public static GenericChart Titled(this GenericChart chart, string title) =>
        Plotly.NET.Chart.withTitle(title, null).Invoke(chart);

    /// <summary>Names both axes.</summary>
    public static GenericChart Axes(this GenericChart chart, string x, string y) =>
        chart.WithXAxisStyle<double, double, string>(TitleText: x).WithYAxisStyle<double, double, string>(TitleText: y);

    /// <summary>
    /// Gives every heatmap of the chart the same diverging colour scale, symmetric about zero (blue negative, white zero,
    /// red positive, from −<paramref name="limit"/> to +<paramref name="limit"/>), so maps side by side compare by colour
    /// and a receptive field's polarity reads at a glance. Plotly.NET.CSharp 0.14 exposes neither zmin nor zmax, so this sets
    /// them on the traces (Plotly.NET traces are dynamic objects).
    /// </summary>
    public static GenericChart SymmetricScale(this GenericChart chart, double limit)
    {
        if (!(limit > 0) || double.IsInfinity(limit)) limit = 1;
        foreach (var trace in GenericChart.getTraces(chart).Where(t => t.type == "heatmap"))
        {
            trace.SetProperty("zmin", -limit);
            trace.SetProperty("zmax", limit);
            trace.SetProperty("colorscale", "RdBu");
            trace.SetProperty("reversescale", true);
        }
        return chart;
    }

    /// <summary>Sets layout attributes Plotly.NET.CSharp 0.14 does not wrap (e.g. barmode, boxmode) by name, as plotly.js spells them.</summary>
    public static GenericChart WithLayoutProperty(this GenericChart chart, string name, object value)
    {
        GenericChart.getLayout(chart).SetProperty(name, value);
        return chart;
    }
}
