using Plotly.NET;
using Plotly.NET.CSharp;
using Workbench.Analysis;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Plots;

/// <summary>Charts of interneuron matching (<see cref="InterneuronMatching"/>; the paper's Fig. 2F-I).</summary>
public static class InterneuronCharts
{
    /// <summary>
    /// Fig. 2F: one interneuron's correlation with every unit of one layer, one map per channel (rows and columns of the
    /// layer's output), all on one symmetric colour scale (±the largest |r| in the layer), each titled with its best r; the
    /// figure's title names the cell, its best unit overall and the time-shuffled control.
    /// </summary>
    /// <param name="match">One interneuron's match.</param>
    /// <param name="layer">The layer to show; null: the layer of the best unit.</param>
    /// <exception cref="ArgumentException">The match has no maps for <paramref name="layer"/> (the message lists its layers).</exception>
    public static GenericChart CorrelationMaps(InterneuronMatch match, string? layer = null)
    {
        layer ??= match.Best.Unit.Layer;
        var map = match.Maps.FirstOrDefault(m => m.Layer == layer)
                  ?? throw new ArgumentException($"No correlation maps for layer '{layer}'; the match has {string.Join(", ", match.Maps.Select(m => m.Layer))}.", nameof(layer));
        double limit = map.Values.Max(Math.Abs);
        int n = map.Channels;
        int perRow = Math.Min(n, 8), rows = (n + perRow - 1) / perRow;
        double gap = 0.02, width = (1 - gap * (perRow - 1)) / perRow, height = (1 - 0.08 * (rows - 1)) / rows;
        var panels = new List<Panel>();
        for (int c = 0; c < n; c++)
        {
            var values = map.Channel(c);
            var z = Enumerable.Range(0, map.Rows).Select(i => Enumerable.Range(0, map.Columns).Select(j => values[i, j]).ToArray()).ToArray();
            var chart = CSharpChart.Heatmap<double, int, int, string>(z, Name: $"{layer} channel {c}", ShowScale: c == 0);
            int row = c / perRow, col = c % perRow;
            double x0 = col * (width + gap), y1 = 1 - row * (height + 0.08);
            panels.Add(new Panel(chart, x0, x0 + width, y1 - height, y1, $"ch {c}: r {map.Best(c).R:F2}", Image: true));
        }
        string title = $"{match.Cell.Type} #{match.Cell.Index}: r with every unit of {layer} (best {match.Best.Unit} r {match.Best.R:F2}; shuffled control max |r| {match.ControlMaxAbsR:F2})";
        return Panels.Combine(panels).SymmetricScale(limit).Titled(title).WithSize(Math.Max(800, 130 * perRow), 160 + 200 * rows);
    }

    /// <summary>
    /// Fig. 2G: per interneuron type, the mean best r of each channel's best unit, channels ranked from best to worst; a type
    /// matched by one channel falls steeply after rank 1.
    /// </summary>
    /// <exception cref="ArgumentException">No rankings.</exception>
    public static GenericChart RankedCorrelations(IReadOnlyList<TypeRanking> rankings, string? title = null)
    {
        if (rankings.Count == 0) throw new ArgumentException("Give at least one type's ranking.", nameof(rankings));
        var lines = rankings.Select(t => CSharpChart.Line<int, double, string>(Enumerable.Range(1, t.MeanR.Count).ToArray(), t.MeanR.ToArray(),
            ShowMarkers: true, Name: $"{t.Type} ({t.Cells} cell{(t.Cells == 1 ? "" : "s")})"));
        return CSharpChart.Combine(lines).Axes("channel rank", "mean correlation of the channel's best unit")
            .Titled(title ?? "Ranked correlation per interneuron type (Fig. 2G)").WithSize(800, 420);
    }

    /// <summary>
    /// Each interneuron's best correlation with each named model (bars, grouped by interneuron) and the largest |r| of the
    /// time-shuffled control (points): a model that captured the interneuron stands far above its control.
    /// </summary>
    /// <exception cref="ArgumentException">No models, or models matched different interneurons.</exception>
    public static GenericChart BestMatches(IReadOnlyList<(string Model, InterneuronMatches Matches)> models, string? title = null)
    {
        if (models.Count == 0) throw new ArgumentException("Give at least one model's matches.", nameof(models));
        var labels = models[0].Matches.Cells.Select(m => $"{m.Cell.Type} #{m.Cell.Index}").ToArray();
        if (models.Any(m => m.Matches.Cells.Count != labels.Length))
            throw new ArgumentException("Every model must be matched against the same interneurons.", nameof(models));
        var traces = new List<GenericChart>();
        foreach (var (model, matches) in models)
        {
            traces.Add(CSharpChart.Column<double, string, string>(matches.Cells.Select(m => m.Best.R).ToArray(), labels, Name: $"{model}: best unit"));
            traces.Add(CSharpChart.Point<string, double, string>(labels, matches.Cells.Select(m => m.ControlMaxAbsR).ToArray(),
                Name: $"{model}: shuffled control, max |r|"));
        }
        return CSharpChart.Combine(traces).Axes("interneuron", "correlation")
            .Titled(title ?? "Best-matching unit per interneuron, against the time-shuffled control").WithSize(900, 420);
    }

    /// <summary>
    /// Fig. 2H-I: the held-out correlation of the unit chosen from the first k seconds, against k, one line per interneuron,
    /// with the best held-out correlation any unit reaches (faint) and the held-out correlation of an LN model fitted to the
    /// interneuron on the same k seconds (dashed; NaN where k is too short for its bins).
    /// </summary>
    /// <exception cref="ArgumentException">The matches carry no data-efficiency points.</exception>
    public static GenericChart DataEfficiency(InterneuronMatches matches, string? title = null)
    {
        if (matches.Cells.All(m => m.DataEfficiency.Count == 0))
            throw new ArgumentException("The matches have no data-efficiency points: set InterneuronMatchOptions.TrainingSeconds.", nameof(matches));
        var traces = new List<GenericChart>();
        foreach (var m in matches.Cells.Where(m => m.DataEfficiency.Count > 0))
        {
            string cell = $"{m.Cell.Type} #{m.Cell.Index}";
            var seconds = m.DataEfficiency.Select(p => p.Seconds).ToArray();
            traces.Add(CSharpChart.Line<double, double, string>(seconds, m.DataEfficiency.Select(p => p.HeldOutR).ToArray(), ShowMarkers: true,
                Name: $"{cell}: unit chosen from k s"));
            traces.Add(CSharpChart.Line<double, double, string>(seconds, m.DataEfficiency.Select(p => p.BestHeldOutR).ToArray(),
                Name: $"{cell}: best unit on held-out data", Opacity: 0.4));
            if (m.DataEfficiency.Any(p => !double.IsNaN(p.LnHeldOutR)))
                traces.Add(CSharpChart.Line<double, double, string>(seconds, m.DataEfficiency.Select(p => p.LnHeldOutR).ToArray(), ShowMarkers: true,
                    Name: $"{cell}: LN fitted to the interneuron on k s", LineDash: StyleParam.DrawingStyle.Dash));
        }
        return CSharpChart.Combine(traces).Axes("seconds of interneuron recording used (k)", "held-out correlation")
            .Titled(title ?? "Data efficiency: the best model unit chosen from k seconds (Fig. 2H-I)").WithSize(900, 450);
    }
}
