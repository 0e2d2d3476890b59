using Plotly.NET;
using Plotly.NET.CSharp;
using TorchSharp;
using Workbench.Analysis;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Plots;

/// <summary>Charts of gradient (instantaneous) receptive fields (<see cref="GradientReceptiveFields"/>; the paper's Fig. 4).</summary>
public static class GradientCharts
{
    /// <summary>
    /// Fig. 4A-B: the unit's response along the stimulus with <paramref name="count"/> evenly spaced moments marked, and below
    /// the average receptive field and the instantaneous receptive field at each marked moment, each as its spatial profile at
    /// the average's strongest lag on one symmetric colour scale per map (normalised to its own largest |value|, so shapes
    /// compare), titled with its correlation with the average.
    /// </summary>
    /// <param name="fields">IRFs computed with <c>keepFields: true</c>.</param>
    /// <param name="framePeriod">Seconds per frame (time axis).</param>
    /// <param name="count">Moments to show (at most 8 fit a row).</param>
    /// <param name="title">Chart title; null: a default naming the unit.</param>
    /// <exception cref="ArgumentException">The fields were not kept, or <paramref name="count"/> is not in 1..12.</exception>
    public static GenericChart Sequence(InstantaneousReceptiveFields fields, double framePeriod, int count = 6, string? title = null)
    {
        if (fields.Fields is null) throw new ArgumentException("The IRFs were not kept: compute them with keepFields: true.", nameof(fields));
        if (count < 1 || count > 12) throw new ArgumentOutOfRangeException(nameof(count), count, "Show 1 to 12 moments.");
        int steps = fields.Windows.Length;
        count = Math.Min(count, steps);
        using var scope = torch.NewDisposeScope();
        var average = fields.Average.to(torch.float64);
        long history = average.shape[0];
        long lag = average.flatten(1).abs().amax(1).argmax().item<long>();
        var moments = Enumerable.Range(0, count).Select(i => count == 1 ? steps / 2 : (int)Math.Round(i * (steps - 1) / (double)(count - 1))).Distinct().ToList();
        double Time(int step) => (fields.Windows[step] + history) * framePeriod;

        var maps = new List<GenericChart> { Map(average[lag], "average") };
        var titles = new List<string> { $"average, −{(history - 1 - lag) * framePeriod * 1000:F0} ms" };
        foreach (int m in moments)
        {
            maps.Add(Map(fields.Fields[m].to(torch.float64)[lag], $"t = {Time(m):F2} s"));
            titles.Add($"{Time(m):F2} s: r {fields.Correlations[m]:F2}");
        }
        var times = Enumerable.Range(0, steps).Select(Time).ToArray();
        var trace = CSharpChart.Line<double, double, string>(times, fields.Responses, Name: "response");
        var marks = CSharpChart.Point<double, double, string>(moments.Select(m => times[m]).ToArray(), moments.Select(m => fields.Responses[m]).ToArray(),
            Name: "moments shown");
        // The response across the width on top, the maps in a row below (Plotly.NET's grid cannot mix the sizes).
        int n = maps.Count;
        double gap = 0.02, width = (1 - gap * (n - 1)) / n;
        var panels = new List<Panel> { new(CSharpChart.Combine([trace, marks]), 0, 1, 0.55, 1, XTitle: "time (s)", YTitle: "response") };
        panels.AddRange(maps.Select((m, i) => new Panel(m, i * (width + gap), i * (width + gap) + width, 0, 0.38, titles[i], Image: true)));
        return Panels.Combine(panels).SymmetricScale(1)
            .Titled(title ?? $"Instantaneous receptive fields of {fields.Unit} (spatial profile at the average's strongest lag)")
            .WithSize(Math.Max(800, 150 * n), 560);
    }

    /// <summary>
    /// Fig. 4C: the distribution of the per-moment correlation between instantaneous and average receptive field, one
    /// histogram per named set (e.g. one cell of the CNN, the synthetic retina and an LN model), normalised to probability,
    /// the median in the legend. Moments whose IRF is constant (NaN correlation) are left out and counted in the legend.
    /// </summary>
    /// <exception cref="ArgumentException">No sets.</exception>
    public static GenericChart CorrelationDistributions(IEnumerable<(string Name, InstantaneousReceptiveFields Fields)> sets, string? title = null)
    {
        var list = sets.ToList();
        if (list.Count == 0) throw new ArgumentException("Give at least one set of IRFs.", nameof(sets));
        var charts = list.Select(s =>
        {
            var defined = s.Fields.Correlations.Where(c => !double.IsNaN(c)).ToArray();
            string name = $"{s.Name}: median {s.Fields.MedianCorrelation:F2}, reversed {s.Fields.ReversedFraction:P0}" + (s.Fields.Silent > 0 ? $", {s.Fields.Silent} silent" : "");
            return CSharpChart.Histogram<double, double, string>(X: defined, Name: name, Opacity: 0.6,
                HistNorm: StyleParam.HistNorm.Probability);
        }).ToList();
        var chart = CSharpChart.Combine(charts).Axes("correlation of instantaneous with average RF", "fraction of moments")
            .Titled(title ?? "How far the instantaneous receptive field strays from the average (Fig. 4C)").WithSize(800, 420);
        // Fixed bins over the whole range of r, so sets with different spreads share bin edges and compare bar for bar.
        foreach (var trace in GenericChart.getTraces(chart))
        {
            var bins = new DynamicObj.DynamicObj();
            bins.SetProperty("start", -1.0);
            bins.SetProperty("end", 1.05);   // past 1, so an LN model's correlations of exactly 1 land in a bin
            bins.SetProperty("size", 0.05);
            trace.SetProperty("xbins", bins);
        }
        return chart.WithLayoutProperty("barmode", "overlay");
    }

    /// <summary>
    /// Fig. 4D: per cell the distribution of IRF-to-average correlations as a box (median, quartiles, whiskers), one group per
    /// named model, so cells and models compare side by side.
    /// </summary>
    /// <exception cref="ArgumentException">No models.</exception>
    /// <param name="models">Per model, the IRFs of each cell.</param>
    /// <param name="title">Chart title; null: a default.</param>
    /// <param name="names">Cell names by unit channel (e.g. a recording's cell names); null: "cell c".</param>
    public static GenericChart CorrelationsByCell(IEnumerable<(string Model, IReadOnlyList<InstantaneousReceptiveFields> Cells)> models, string? title = null,
        IReadOnlyList<string>? names = null)
    {
        var list = models.ToList();
        if (list.Count == 0) throw new ArgumentException("Give at least one model's IRFs.", nameof(models));
        var boxes = list.Select(m =>
        {
            var x = new List<string>();
            var y = new List<double>();
            foreach (var cell in m.Cells)
                foreach (double c in cell.Correlations.Where(c => !double.IsNaN(c)))
                {
                    x.Add(cell.Unit.Layer != UnitAddress.Output ? cell.Unit.ToString()
                        : names is not null && cell.Unit.Channel < names.Count ? names[cell.Unit.Channel] : $"cell {cell.Unit.Channel}");
                    y.Add(c);
                }
            return CSharpChart.BoxPlot<string, double, string>(X: x, Y: y, Name: m.Model);
        }).ToList();
        var chart = CSharpChart.Combine(boxes).Axes("cell", "correlation of instantaneous with average RF")
            .Titled(title ?? "Instantaneous versus average receptive field, every cell (Fig. 4D)").WithSize(900, 420);
        return chart.WithLayoutProperty("boxmode", "group");
    }

    private static GenericChart Map(torch.Tensor spatial, string name)
    {
        double peak = spatial.abs().max().item<double>();
        var normalised = peak > 0 ? spatial / peak : spatial;
        var rows = Enumerable.Range(0, (int)normalised.shape[0]).Select(r => normalised[r].data<double>().ToArray()).ToArray();
        return CSharpChart.Heatmap<double, int, int, string>(rows, Name: name, ShowScale: false);
    }
}
