using System.Text.Json.Nodes;
using Plotly.NET;
using TorchSharp;
using Workbench.Analysis;
using Workbench.Display;
using Workbench.Metrics;
using Workbench.Plots;
using Workbench.Tests.Support;
using Workbench.Training;

namespace Workbench.Tests.Plots;

public class ChartsTests
{
    private static JsonObject Figure(GenericChart chart) => JsonNode.Parse(GenericChart.toJson(chart))!.AsObject();

    private static readonly EpochSummary[] History =
    [
        new(1, 2.0, 2.1, 0.30, [0.3], 1e-3, 100, 5, true),
        new(2, 1.5, 1.7, 0.45, [0.45], 1e-3, 100, 5, true),
    ];

    [Fact]
    public void LearningCurves_PlotEveryEpochsNumbers()
    {
        var data = Figure(TrainingCharts.LearningCurves(History))["data"]!.AsArray();

        Assert.Equal(3, data.Count);
        Assert.Equal("[2.0,1.5]", data[0]!["y"]!.ToJsonString());
        Assert.Equal("[0.3,0.45]", data[2]!["y"]!.ToJsonString());
    }

    [Fact]
    public void ModelComparison_HasAColumnPerModel_TheCeiling_AndPublishedLines()
    {
        CellEvaluation Cell(int i, double r) => new(i, $"cell0{i + 1}", r, 0.5, 0.8, 0.9, r / 0.9);
        var models = new[]
        {
            new ModelEvaluation("CNN", "t", [Cell(0, 0.7), Cell(1, 0.8)]),
            new ModelEvaluation("LN", "t", [Cell(0, 0.4), Cell(1, 0.5)]),
        };

        var data = Figure(EvaluationCharts.ModelComparison(models, [("paper CNN", 0.726)]))["data"]!.AsArray();

        Assert.Equal(4, data.Count);
        Assert.Equal("bar", data[0]!["type"]!.ToString());
        Assert.Contains("CNN (mean 0.750)", data[0]!["name"]!.ToString());
        Assert.Equal("[0.9,0.9]", data[2]!["y"]!.ToJsonString());
        Assert.Equal("[0.726,0.726]", data[3]!["y"]!.ToJsonString());
    }

    [Fact]
    public void SpaceTime_ShowsThePeakLagAndThePeakPixelsTimeCourse()
    {
        TestTorch.Cpu();
        using var filter = torch.zeros(10, 6, 7);
        filter[7, 2, 5] = torch.tensor(-3f);
        filter[3, 2, 5] = torch.tensor(1f);

        var figure = Figure(FilterCharts.SpaceTime(filter, 0.01, "planted"));

        var data = figure["data"]!.AsArray();
        Assert.Equal("heatmap", data[0]!["type"]!.ToString());
        Assert.Equal(-3.0, data[0]!["z"]![2]![5]!.GetValue<double>());
        Assert.Equal(1.0, data[1]!["y"]![3]!.GetValue<double>());
        Assert.Contains("space, 20 ms before the response", figure["layout"]!.ToJsonString());
    }

    [Fact]
    public void Psth_RefusesTracesOfTheWrongLength()
    {
        Assert.Throws<ArgumentException>(() => ResponseCharts.Psth([0.0, 0.01], [("data", [1.0])], "x"));
    }

    [Fact]
    public void TrainingProgressView_UpdatesPerEpoch_AndThrottlesBatches()
    {
        var shown = new List<string>();
        var view = new TrainingProgressView(v => shown.Add(((TrainingProgressView)v).Status));

        view.Report(new BatchCompleted(1, 1, 10, 2.0, 50, TimeSpan.FromSeconds(30)));
        view.Report(new BatchCompleted(1, 2, 10, 1.9, 50, TimeSpan.FromSeconds(29)));
        view.Report(new EpochCompleted(History[0], 2, TimeSpan.FromSeconds(5)));
        view.Report(new TrainingStopped(TrainingStatus.Completed, "ran all 2 epochs"));

        Assert.Equal(3, shown.Count); // the second batch fell inside the minimum interval
        Assert.StartsWith("epoch 1/2: validation r 0.3000 (best)", shown[1]);
        Assert.Equal("Completed: ran all 2 epochs", shown[2]);
        Assert.Contains(ChartHtml.Marker, view.ToHtml());
    }

    [Fact]
    public void StaVersusTruth_PlotsEveryCellsCorrelationAndOffset()
    {
        var comparison = new StaTruthComparison(
        [
            new StaTruthCell(0, Workbench.Simulation.Polarity.On, 4, 4, 4.5, 4, 0.5, 0.9),
            new StaTruthCell(1, Workbench.Simulation.Polarity.Off, 9, 3, 9, 3, 0.0, 0.75),
        ], 39, 11);

        var data = Figure(FilterCharts.StaVersusTruth(comparison, ["a", "b"]))["data"]!.AsArray();

        Assert.Equal(2, data.Count);
        Assert.Equal("[0.9,0.75]", data[0]!["y"]!.ToJsonString());
        Assert.Equal("[0.5,0.0]", data[1]!["y"]!.ToJsonString());
        Assert.Equal("[\"a\",\"b\"]", data[0]!["x"]!.ToJsonString());
        Assert.Throws<ArgumentException>(() => FilterCharts.StaVersusTruth(comparison, ["a"]));
    }

    [Fact]
    public void LnNonlinearities_PlotTheBinsTheirErrorsAndTheParametricCurve()
    {
        using var filter = torch.zeros(2, 3, 3);
        var fit = new LnFit("cell01", filter, 1, [-1.0, 0.0, 1.0], [0.5, 1.0, 3.0], [0.1, 0.1, 0.2], 0.8, 0.7, 100, 20,
            new SoftplusNonlinearity(1, 1, 0, 0, 1));

        var data = Figure(LnCharts.Nonlinearities([fit]))["data"]!.AsArray();

        Assert.Equal(4, data.Count);
        Assert.Equal("[0.5,1.0,3.0]", data[0]!["y"]!.ToJsonString());
        Assert.Equal("[0.6,1.1,3.2]", data[1]!["y"]!.ToJsonString());
        Assert.Contains("held-out r 0.70", data[0]!["name"]!.ToString());
        Assert.Equal(101, data[3]!["x"]!.AsArray().Count);
        Assert.Equal(Math.Log(2), data[3]!["y"]!.AsArray()[50]!.GetValue<double>(), 1e-12); // softplus(0)
    }
}
