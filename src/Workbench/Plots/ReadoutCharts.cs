using Plotly.NET;
using Plotly.NET.CSharp;
using TorchSharp;
using Workbench.Models;
using Workbench.Models.Layers;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Plots;

/// <summary>
/// A convolutional model's readout drawn over the stimulus (checkers): where each cell reads the core's maps. Gaussian:
/// each location and its 1σ sampling ellipse; factorized: each cell's spatial mask; dense: each cell's weight energy per
/// map position (√Σ_c w²); convolutional: the positions read. Map position p sees stimulus checker p + <see cref="BnCnn.CoreOffset"/>.
/// </summary>
public static class ReadoutCharts
{
    /// <summary>The readout of <paramref name="model"/>; with <paramref name="truePositions"/> (row, column per cell, e.g. the
    /// simulator's ground truth) each Gaussian location is joined to its cell's true position.</summary>
    /// <exception cref="ArgumentException">The true positions do not match the cells in number.</exception>
    public static GenericChart Figure(BnCnn model, IReadOnlyList<(double Row, double Column)>? truePositions = null)
    {
        if (truePositions is not null && truePositions.Count != model.Spec.Cells)
            throw new ArgumentException($"{truePositions.Count} true positions for {model.Spec.Cells} cells.", nameof(truePositions));
        double offset = model.CoreOffset;
        return model.Readout switch
        {
            GaussianReadout g => Gaussian(g, offset, model.Spec, truePositions),
            FactorizedReadout f => Maps(f.Masks(), offset, "Factorized readout: each cell's spatial mask"),
            CellReadout => ReadPositions(model.Spec, truePositions),
            _ => Maps(DenseEnergy(model), offset, "Dense readout: each cell's weight energy per map position (√Σ_c w²)"),
        };
    }

    private static GenericChart Gaussian(GaussianReadout g, double offset, ModelSpec spec, IReadOnlyList<(double Row, double Column)>? truth)
    {
        using var scope = torch.NewDisposeScope();
        var at = g.Locations().to(torch.float64).data<double>().ToArray();
        var cov = g.Covariances().to(torch.float64).data<double>().ToArray();
        int n = g.Cells;
        var traces = new List<GenericChart>();
        // The 1σ ellipse of each cell's sampling distribution: the unit circle through the covariance's square root.
        for (int c = 0; c < n; c++)
        {
            double a = cov[4 * c], b = cov[4 * c + 1], d = cov[4 * c + 3];
            double trace = a + d, det = Math.Max(a * d - b * b, 0), gap = Math.Sqrt(Math.Max(trace * trace / 4 - det, 0));
            double l1 = trace / 2 + gap, l2 = Math.Max(trace / 2 - gap, 0);
            double angle = Math.Abs(b) > 1e-12 ? Math.Atan2(l1 - a, b) : (a >= d ? 0 : Math.PI / 2); // eigenvector of l1 in (row, column)
            var steps = Enumerable.Range(0, 49).Select(k => 2 * Math.PI * k / 48).ToArray();
            var rows = steps.Select(t => at[2 * c] + offset + Math.Sqrt(l1) * Math.Cos(t) * Math.Cos(angle) - Math.Sqrt(l2) * Math.Sin(t) * Math.Sin(angle)).ToArray();
            var cols = steps.Select(t => at[2 * c + 1] + offset + Math.Sqrt(l1) * Math.Cos(t) * Math.Sin(angle) + Math.Sqrt(l2) * Math.Sin(t) * Math.Cos(angle)).ToArray();
            traces.Add(CSharpChart.Line<double, double, string>(cols, rows, Name: $"cell {c} 1σ", ShowLegend: false));
        }
        traces.Add(CSharpChart.Point<double, double, string>(Enumerable.Range(0, n).Select(c => at[2 * c + 1] + offset).ToArray(),
            Enumerable.Range(0, n).Select(c => at[2 * c] + offset).ToArray(), Name: "learned location",
            MultiText: Enumerable.Range(0, n).Select(c => $"cell {c}").ToArray()));
        if (truth is not null)
        {
            traces.Add(CSharpChart.Point<double, double, string>(truth.Select(p => p.Column).ToArray(), truth.Select(p => p.Row).ToArray(), Name: "true position"));
            for (int c = 0; c < n; c++)
                traces.Add(CSharpChart.Line<double, double, string>(new[] { at[2 * c + 1] + offset, truth[c].Column }, new[] { at[2 * c] + offset, truth[c].Row },
                    Name: $"cell {c} offset", ShowLegend: false));
        }
        return CSharpChart.Combine(traces)
            .WithXAxisStyle<double, double, string>(TitleText: "column (checkers)", MinMax: new Tuple<double, double>(-0.5, spec.Width - 0.5))
            .WithYAxisStyle<double, double, string>(TitleText: "row (checkers)", MinMax: new Tuple<double, double>(spec.Height - 0.5, -0.5))
            .Titled($"Gaussian readout ({g.Shape}): each cell's location and 1σ sampling ellipse over the stimulus").WithSize(600, 600);
    }

    private static GenericChart Maps(torch.Tensor maps, double offset, string title)
    {
        using var scope = torch.NewDisposeScope();
        var m = maps.detach().cpu().to(torch.float64);
        int n = (int)m.shape[0], h = (int)m.shape[1], w = (int)m.shape[2];
        var xs = Enumerable.Range(0, w).Select(x => x + offset).ToArray();
        var ys = Enumerable.Range(0, h).Select(y => y + offset).ToArray();
        var charts = Enumerable.Range(0, n).Select(c =>
        {
            var rows = Enumerable.Range(0, h).Select(r => m[c, r].data<double>().ToArray()).ToArray();
            return CSharpChart.Heatmap<double, double, double, string>(rows, X: xs, Y: ys, Name: $"cell {c}", ShowScale: false);
        }).ToList();
        int columns = Math.Min(n, 4), gridRows = (n + columns - 1) / columns;
        return CSharpChart.Grid(charts, gridRows, columns, SubPlotTitles: Enumerable.Range(0, n).Select(c => $"cell {c}").ToArray())
            .Titled(title + " (checkers)").WithSize(220 * columns + 80, 220 * gridRows + 100);
    }

    private static torch.Tensor DenseEnergy(BnCnn model)
    {
        var (c, h, w) = model.CoreShape;
        var weight = model.Readout.parameters().First(p => p.dim() == 2); // (N, C·H·W)
        return weight.detach().view(model.Spec.Cells, c, h, w).square().sum(1).sqrt();
    }

    private static GenericChart ReadPositions(ModelSpec spec, IReadOnlyList<(double Row, double Column)>? truth)
    {
        var positions = spec.CellPositions ?? throw new ArgumentException("A convolutional readout's spec carries its cells' positions.");
        var chart = CSharpChart.Point<double, double, string>(positions.Select(p => p.Column).ToArray(), positions.Select(p => p.Row).ToArray(), Name: "read at");
        if (truth is not null)
            chart = CSharpChart.Combine([chart, CSharpChart.Point<double, double, string>(truth.Select(p => p.Column).ToArray(), truth.Select(p => p.Row).ToArray(), Name: "true position")]);
        return chart.WithXAxisStyle<double, double, string>(TitleText: "column (checkers)", MinMax: new Tuple<double, double>(-0.5, spec.Width - 0.5))
            .WithYAxisStyle<double, double, string>(TitleText: "row (checkers)", MinMax: new Tuple<double, double>(spec.Height - 0.5, -0.5))
            .Titled("Convolutional readout: where each cell is read (checkers)").WithSize(600, 600);
    }
}
