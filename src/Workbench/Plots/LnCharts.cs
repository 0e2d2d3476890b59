using Plotly.NET;
using Plotly.NET.CSharp;
using Workbench.Analysis;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Plots;

/// <summary>Charts of LN fits (<see cref="LnFits"/>).</summary>
public static class LnCharts
{
    /// <summary>
    /// The nonlinearity of each fit: bin means (points) with ±1 standard error (thin lines above and below) against the
    /// bin centres, the parametric curve when fitted, and the cross-validated correlation in the legend.
    /// </summary>
    /// <exception cref="ArgumentException">No fits.</exception>
    public static GenericChart Nonlinearities(IReadOnlyList<LnFit> fits, string? title = null)
    {
        if (fits.Count == 0) throw new ArgumentException("Give at least one LN fit.", nameof(fits));
        var traces = new List<GenericChart>();
        foreach (var fit in fits)
        {
            traces.Add(CSharpChart.Line<double, double, string>(fit.BinCentres, fit.BinValues, ShowMarkers: true,
                Name: $"{fit.Unit} (held-out r {fit.TestCorrelation:F2})"));
            traces.Add(CSharpChart.Line<double, double, string>(fit.BinCentres, fit.BinValues.Zip(fit.BinStandardErrors, (v, e) => v + e),
                Name: $"{fit.Unit} + 1 SE", ShowLegend: false, Opacity: 0.3));
            traces.Add(CSharpChart.Line<double, double, string>(fit.BinCentres, fit.BinValues.Zip(fit.BinStandardErrors, (v, e) => v - e),
                Name: $"{fit.Unit} − 1 SE", ShowLegend: false, Opacity: 0.3));
            if (fit.Parametric is { } curve)
            {
                double lo = fit.BinCentres[0], hi = fit.BinCentres[^1];
                var x = Enumerable.Range(0, 101).Select(i => lo + (hi - lo) * i / 100).ToArray();
                traces.Add(CSharpChart.Line<double, double, string>(x, x.Select(curve.Evaluate).ToArray(), Name: $"{fit.Unit}: softplus fit"));
            }
        }
        return CSharpChart.Combine(traces).Axes("generator signal (unit-norm filter · stimulus)", "mean response")
            .Titled(title ?? "LN nonlinearities (equal-count bins, ±1 SE)").WithSize(800, 450);
    }
}
