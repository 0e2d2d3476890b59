using TorchSharp;
using Workbench.Analysis;
using Workbench.Models;
using Workbench.Models.Layers;
using Workbench.Plots;
using Plotly.NET;
using System.Text.Json.Nodes;
using Workbench.TestSupport;
using Workbench.Tests.Support;
using Workbench.Tests.Training;
using Workbench.Training;
using Xunit.Abstractions;

namespace Workbench.Tests.Models;

/// <summary>
/// The BN-CNN's two-layer core with the per-cell readouts (<see cref="ReadoutKind.Factorized"/>, <see cref="ReadoutKind.Gaussian"/>):
/// the model contract (layers, probes, checkpoints), and training on planted cells whose positions are known.
/// </summary>
public class CoreReadoutTests(ITestOutputHelper output)
{
    private static readonly (double Row, double Column)[] Centres = [(4.0, 5.0), (10.0, 9.0)];

    /// <summary>How far (stimulus checkers) a trained Gaussian readout's location may lie from the planted cell's centre: the
    /// planted fields' σ (measured: 0.83 and 0.10).</summary>
    private const double PositionTolerance = 1.2;

    [Theory]
    [InlineData(ReadoutKind.Factorized)]
    [InlineData(ReadoutKind.Gaussian)]
    public void PerCellReadout_HonoursTheModelContract_AndRoundTripsThroughACheckpoint(ReadoutKind kind)
    {
        TestTorch.Cpu(seed: 90);
        var spec = new ModelSpec { Cells = 3, History = 10, Height = 16, Width = 16, Channels = [4, 4], Kernels = [5, 3], Readout = kind };
        using var model = (BnCnn)RetinaModels.Create(spec);
        Assert.IsAssignableFrom<IReadout>(model.Readout);
        Assert.Equal(["conv1", "bn1", "relu1", "conv2", "bn2", "relu2", "readout"], model.LayerNames);
        Assert.Equal((4, 10, 10), model.CoreShape);
        Assert.True(model.StartsAtMeanRates);
        using var penalty = model.Regularisation();
        Assert.True(penalty!.item<float>() > 0);

        using var x = torch.randn(5, 10, 16, 16);
        model.eval();
        using var rates = model.call(x);
        Assert.Equal(new long[] { 5, 3 }, rates.shape);
        Assert.True((rates >= 0).all().item<bool>());
        var activations = model.Activations(x, ["relu2", "readout"]);
        Assert.Equal(new long[] { 5, 4, 10, 10 }, activations["relu2"].shape);
        Assert.True(torch.nn.functional.softplus(activations["readout"]).allclose(rates, rtol: 1e-6, atol: 1e-6));

        using var dir = new TempDirectory();
        Checkpoint.Save(model, dir.File("m.weights"), new CheckpointInfo(model.Spec, null, [], null, 0, null));
        var (loaded, info) = Checkpoint.Load(dir.File("m.weights"));
        using var _ = loaded;
        Assert.Equal(kind, info.Spec.Readout);
        loaded.eval();
        Assert.True(loaded.call(x).allclose(rates, rtol: 0, atol: 0));
    }

    [Theory]
    [InlineData(ReadoutKind.Dense)]
    [InlineData(ReadoutKind.Factorized)]
    [InlineData(ReadoutKind.Gaussian)]
    public void EveryReadout_PlotsItself_OverTheStimulus(ReadoutKind kind)
    {
        TestTorch.Cpu(seed: 92);
        var spec = new ModelSpec { Cells = 2, History = 10, Height = 16, Width = 16, Channels = [4, 4], Kernels = [5, 3], Readout = kind };
        using var model = (BnCnn)RetinaModels.Create(spec);
        (double, double)[] truth = [(4, 5), (10, 9)];
        var figure = JsonNode.Parse(GenericChart.toJson(ReadoutCharts.Figure(model, truth)))!;
        var traces = figure["data"]!.AsArray();
        Assert.NotEmpty(traces);
        if (kind == ReadoutKind.Gaussian)
        {
            // The learned locations are drawn at the map position plus the core's offset, in (column, row).
            var learned = traces.First(t => t!["name"]?.GetValue<string>() == "learned location")!;
            using var at = ((GaussianReadout)model.Readout).Locations();
            var l = at.to(torch.float64).data<double>().ToArray();
            Assert.Equal(l[1] + model.CoreOffset, learned["x"]![0]!.GetValue<double>(), 1e-9);
            Assert.Equal(l[0] + model.CoreOffset, learned["y"]![0]!.GetValue<double>(), 1e-9);
            Assert.Contains(traces, t => t!["name"]?.GetValue<string>() == "true position");
        }
        else Assert.Equal(2, traces.Count(t => t!["type"]!.GetValue<string>() == "heatmap"));
    }

    /// <remarks>Fitting starts each location at the cell's STA centre (<see cref="Fitting.StartAtCentres"/>); that the readout
    /// also learns a location from far away is ReadoutTests' planted-location test.</remarks>
    [Fact]
    public void GaussianReadout_TrainedOnPlantedCells_FindsWhereTheyAre()
    {
        TestTorch.Cpu(seed: 91);
        var (recording, _) = PlantedData.LocalisedLnCells(frames: 8_000, size: 14, history: 10, Centres);
        using var _ = recording;
        var options = new TrainingOptions
        {
            Epochs = 15, BatchSize = 64, LearningRate = 2e-2, L2 = 0, L1 = 0, History = 10, Schedule = ScheduleKind.None, EarlyStoppingPatience = 0,
        };
        var fit = Fitting.Fit(recording, ModelKind.BnCnn, options, customise: s => s with { Channels = [4, 4], Kernels = [5, 3], Readout = ReadoutKind.Gaussian });
        using var model = (BnCnn)fit.Model;
        var comparison = ReadoutLocations.Compare(model, Centres);
        foreach (var c in comparison.Cells)
        {
            output.WriteLine($"cell {c.Cell}: readout at ({c.Row:F2}, {c.Column:F2}), planted ({c.TrueRow}, {c.TrueColumn}): {c.Error:F2} checkers");
            Assert.True(c.Covered);
            Assert.True(c.Error < PositionTolerance, $"cell {c.Cell} read {c.Error:F2} checkers from its centre");
        }
        // The analysis's own arithmetic, against a hand computation from the readout's raw locations.
        using var locations = ((GaussianReadout)model.Readout).Locations();
        var l = locations.data<float>().ToArray();
        Assert.Equal(Math.Sqrt(Math.Pow(l[0] + model.CoreOffset - 4.0, 2) + Math.Pow(l[1] + model.CoreOffset - 5.0, 2)), comparison.Cells[0].Error, 1e-5);
        // The map (8x8, offset 3) covers checkers 3..10: a cell at the stimulus's corner cannot be read there.
        var outside = ReadoutLocations.Compare(model, [(0.0, 0.0), (10.0, 9.0)]);
        Assert.False(outside.Cells[0].Covered);
        Assert.Equal(comparison.Cells[1].Error, outside.MedianError, 1e-12);
        Assert.Throws<ArgumentException>(() => ReadoutLocations.Compare(model, Centres[..1]));
        var nowhere = ReadoutLocations.Compare(model, [(0.0, 0.0), (13.0, 13.0)]);
        Assert.True(double.IsNaN(nowhere.MedianError));
        Assert.Contains("none of the 2 cells", nowhere.Summary);
        output.WriteLine($"best validation r {fit.Training!.BestValidationCorrelation:F3}");
        Assert.True(fit.Training.BestValidationCorrelation > 0.3, $"validation r {fit.Training.BestValidationCorrelation}");
    }
}
