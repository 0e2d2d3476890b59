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
}
