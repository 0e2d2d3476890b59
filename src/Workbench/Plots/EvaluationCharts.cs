using Plotly.NET;
using Plotly.NET.CSharp;
using Workbench.Metrics;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Plots;

/// <summary>Charts comparing models on held-out data.</summary>
public static class EvaluationCharts
{
    /// <summary>
    /// Test correlation per cell for each model, with each cell's reliability ceiling (the paper's Fig. 1B), plus
    /// optional published reference values drawn as horizontal lines.
    /// </summary>
    public static GenericChart ModelComparison(IReadOnlyList<ModelEvaluation> models, IEnumerable<(string Name, double Value)>? published = null, string? title = null)
    {
        if (models.Count == 0) throw new ArgumentException("Nothing to compare.", nameof(models));
        var cells = models[0].Cells.Select(c => c.Name).ToArray();
        var charts = models.Select(m => CSharpChart.Column<double, string, string>(m.Cells.Select(c => c.Correlation), cells, Name: $"{m.Model} (mean {m.MeanCorrelation:F3})")).ToList();
        var ceiling = models[0].Cells.Select(c => c.Ceiling).ToArray();
        if (ceiling.All(double.IsFinite))
            charts.Add(CSharpChart.Point<string, double, string>(cells, ceiling, Name: $"reliability ceiling (mean {ceiling.Average():F3})"));
        foreach (var (name, value) in published ?? [])
            charts.Add(CSharpChart.Line<string, double, string>([cells[0], cells[^1]], [value, value], Name: $"{name}: {value:F3}"));
        return CSharpChart.Combine(charts).Axes("cell", "correlation with the trial-averaged test response")
            .Titled(title ?? "Held-out correlation per cell").WithSize(1000, 420);
    }

    /// <summary>
    /// A transfer learning curve (Lurz et al. Fig. 4–5): mean held-out correlation against minutes of the new recording, for
    /// the transferred core with a new readout and for the whole model trained from scratch, with the mean reliability ceiling.
    /// </summary>
    public static GenericChart TransferCurve(Workbench.Training.TransferCurve curve, string? title = null)
    {
        if (curve.Points.Count == 0) throw new ArgumentException("The curve has no points.", nameof(curve));
        var minutes = curve.Points.Select(p => p.Minutes).ToArray();
        var charts = new List<GenericChart>
        {
            CSharpChart.Line<double, double, string>(minutes, curve.Points.Select(p => p.Transferred.MeanCorrelation).ToArray(), ShowMarkers: true, Name: "transferred core + new readout"),
            CSharpChart.Line<double, double, string>(minutes, curve.Points.Select(p => p.Scratch.MeanCorrelation).ToArray(), ShowMarkers: true, Name: "whole model from scratch"),
        };
        double ceiling = curve.Points[0].Transferred.MeanCeiling;
        if (double.IsFinite(ceiling))
            charts.Add(CSharpChart.Line<double, double, string>([minutes.Min(), minutes.Max()], [ceiling, ceiling], Name: $"reliability ceiling {ceiling:F3}"));
        return CSharpChart.Combine(charts).Axes("minutes of the new recording", "mean correlation with the trial-averaged test response")
            .Titled(title ?? "Transfer: a trained core against training from scratch").WithSize(800, 420);
    }
}
