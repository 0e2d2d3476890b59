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

    /// <summary>
    /// Receptive fields as the paper's Fig. 2B shows them: for each filter its spatial component (top row, heatmaps on one
    /// symmetric colour scale, normalised to unit peak) and its temporal component (bottom, one line per filter, lag 0 at the
    /// response), from <see cref="SpaceTimeDecomposition"/> (spatial part positive at its peak, polarity in the temporal part).
    /// </summary>
    /// <param name="components">The decomposed filters.</param>
    /// <param name="names">One name per filter (e.g. the unit's address).</param>
    /// <param name="framePeriod">Seconds per frame.</param>
    /// <param name="title">Chart title.</param>
    /// <exception cref="ArgumentException">No filters, or names and filters differ in number.</exception>
    public static GenericChart Components(IReadOnlyList<SpaceTimeComponents> components, IReadOnlyList<string> names, double framePeriod, string title)
    {
        if (components.Count == 0) throw new ArgumentException("Give at least one decomposed filter.", nameof(components));
        if (names.Count != components.Count) throw new ArgumentException($"{names.Count} names for {components.Count} filters.", nameof(names));
        var maps = new List<GenericChart>();
        var lines = new List<GenericChart>();
        for (int i = 0; i < components.Count; i++)
        {
            using var scope = torch.NewDisposeScope();
            var spatial = components[i].Spatial.detach().cpu().to(torch.float64);
            double peak = spatial.abs().max().item<double>();
            if (peak > 0) spatial = spatial / peak;
            var rows = Enumerable.Range(0, (int)spatial.shape[0]).Select(r => spatial[r].data<double>().ToArray()).ToArray();
            maps.Add(CSharpChart.Heatmap<double, int, int, string>(rows, Name: names[i], ShowScale: false));
            var temporal = components[i].Temporal.detach().cpu().to(torch.float64).data<double>().ToArray();
            int t = temporal.Length;
            var times = Enumerable.Range(0, t).Select(k => -(t - 1 - k) * framePeriod * 1000).ToArray();
            lines.Add(CSharpChart.Line<double, double, string>(times, temporal,
                Name: $"{names[i]} ({components[i].VarianceExplained:P0} rank-1)"));
        }
        // Maps in a row on top, one temporal panel across the width below (Plotly.NET's grid cannot mix the sizes).
        int n = maps.Count;
        double gap = 0.02, width = (1 - gap * (n - 1)) / n;
        var panels = maps.Select((m, i) => new Panel(m, i * (width + gap), i * (width + gap) + width, 0.55, 0.95, names[i], Image: true)).ToList();
        panels.Add(new Panel(CSharpChart.Combine(lines), 0, 1, 0, 0.42, XTitle: "ms before the response", YTitle: "temporal component"));
        return Panels.Combine(panels).SymmetricScale(1).Titled(title).WithSize(Math.Max(800, 130 * n), 600);
    }

    /// <summary>As <see cref="Components(IReadOnlyList{SpaceTimeComponents}, IReadOnlyList{string}, double, string)"/> for a layer's receptive fields, titled with the frames used when no title is given.</summary>
    public static GenericChart Components(LayerReceptiveFields fields, double framePeriod, string? title = null) =>
        Components(fields.Components, fields.Names, framePeriod,
            title ?? $"Receptive fields of {string.Join(", ", fields.Units.Select(u => u.Layer).Distinct())} ({fields.Frames:N0} white-noise frames; spatial at unit peak, temporal below)");
}
