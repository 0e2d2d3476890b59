using Plotly.NET;
using Plotly.NET.CSharp;
using Workbench.Training;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Plots;

/// <summary>Charts of a training run.</summary>
public static class TrainingCharts
{
    /// <summary>Training and validation loss (left) and mean validation correlation (right) per epoch.</summary>
    public static GenericChart LearningCurves(IReadOnlyList<EpochSummary> history, string? title = null)
    {
        var epochs = history.Select(h => h.Epoch).ToArray();
        var loss = CSharpChart.Combine(
        [
            CSharpChart.Line<int, double, string>(epochs, history.Select(h => h.TrainLoss), Name: "training loss"),
            CSharpChart.Line<int, double, string>(epochs, history.Select(h => h.ValidationLoss), Name: "validation loss"),
        ]);
        var correlation = CSharpChart.Line<int, double, string>(epochs, history.Select(h => h.ValidationCorrelation), Name: "validation r");
        var chart = CSharpChart.Grid([loss, correlation], 1, 2, SubPlotTitles: new[] { "loss", "mean validation correlation" }).WithSize(900, 350);
        return title is null ? chart : chart.Titled(title);
    }
}
