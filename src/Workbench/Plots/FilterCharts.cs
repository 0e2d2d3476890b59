using Plotly.NET;
using Plotly.NET.CSharp;
using TorchSharp;
using Workbench.Analysis;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Plots;

/// <summary>Charts of spatiotemporal filters (receptive fields, STAs, learned kernels).</summary>
public static class FilterCharts
{
    /// <summary>
    /// A filter <c>(T, H, W)</c> (index T−1 most recent) as its spatial profile at the lag of largest magnitude (heatmap) and
    /// the time course of its strongest pixel (line), with the frame period for the time axis.
    /// </summary>
    public static GenericChart SpaceTime(torch.Tensor filter, double framePeriod, string title)
    {
        if (filter.dim() != 3) throw new ArgumentException($"A filter must be (T, H, W), got [{string.Join(", ", filter.shape)}].");
        using var scope = torch.NewDisposeScope();
        var f = filter.detach().cpu().to(torch.float64);
        long t = f.shape[0], w = f.shape[2];
        long flat = f.abs().argmax().item<long>();
        long lag = flat / (f.shape[1] * w), pixel = flat % (f.shape[1] * w);
        var spatial = f[lag];
        var rows = Enumerable.Range(0, (int)spatial.shape[0]).Select(r => spatial[r].data<double>().ToArray()).ToArray();
        var course = f.flatten(1)[.., pixel].data<double>().ToArray();
        var times = Enumerable.Range(0, (int)t).Select(i => -(t - 1 - i) * framePeriod * 1000).ToArray();
        var map = CSharpChart.Heatmap<double, int, int, string>(rows, ShowScale: false, Name: "space");
        var time = CSharpChart.Line<double, double, string>(times, course, Name: "time course");
        return CSharpChart.Grid([map, time], 1, 2,
                SubPlotTitles: new[] { $"space, {(t - 1 - lag) * framePeriod * 1000:F0} ms before the response", "strongest pixel (ms before the response)" })
            .Titled(title).WithSize(900, 380);
    }

    /// <summary>
    /// Reverse correlation against the ground truth (<see cref="GroundTruthStas.Compare"/>): per cell the correlation of
    /// STA and true receptive field (left) and the distance between the found and the stated centre (right).
    /// </summary>
    /// <param name="comparison">The comparison to show.</param>
    /// <param name="names">Cell names, one per compared cell (e.g. a recording's); null: cell indices.</param>
    public static GenericChart StaVersusTruth(StaTruthComparison comparison, IReadOnlyList<string>? names = null)
    {
        if (names is not null && names.Count != comparison.Cells.Count)
            throw new ArgumentException($"{names.Count} names for {comparison.Cells.Count} cells.", nameof(names));
        var labels = comparison.Cells.Select((c, i) => names?[i] ?? $"cell {c.Cell}").ToArray();
        var r = CSharpChart.Column<double, string, string>(comparison.Cells.Select(c => c.Correlation).ToArray(), labels,
            Name: $"STA vs true field r (worst {comparison.WorstCorrelation:F2})");
        var offset = CSharpChart.Column<double, string, string>(comparison.Cells.Select(c => c.Offset).ToArray(), labels,
            Name: $"centre offset, checkers (worst {comparison.WorstOffset:F2})");
        return CSharpChart.Grid([r, offset], 1, 2,
                SubPlotTitles: new[] { $"correlation over {comparison.CutoutSize}x{comparison.CutoutSize} checkers, {comparison.ComparedTaps} taps", "STA centre to true centre (checkers)" })
            .Titled("Reverse correlation against the simulator's ground truth").WithSize(1000, 380);
    }
}
