using Plotly.NET;

namespace Workbench.Plots;

/// <summary>
/// One panel of a <see cref="Panels"/> figure: a chart and the rectangle of the figure it occupies (fractions of the
/// plotting area, 0 at the left and bottom), with its own axes.
/// </summary>
/// <param name="Chart">The panel's traces (their own layout is ignored).</param>
/// <param name="X0">Left edge.</param>
/// <param name="X1">Right edge.</param>
/// <param name="Y0">Bottom edge.</param>
/// <param name="Y1">Top edge.</param>
/// <param name="Title">Text above the panel, or null.</param>
/// <param name="XTitle">x-axis title, or null.</param>
/// <param name="YTitle">y-axis title, or null.</param>
/// <param name="Image">An image panel (a heatmap): no tick labels, rows counted upwards, equal scale on both axes.</param>
/// <param name="XRange">The x-axis range (e.g. to align panels that share a time axis), or null: automatic.</param>
public sealed record Panel(GenericChart Chart, double X0, double X1, double Y0, double Y1, string? Title = null,
    string? XTitle = null, string? YTitle = null, bool Image = false, (double From, double To)? XRange = null);
