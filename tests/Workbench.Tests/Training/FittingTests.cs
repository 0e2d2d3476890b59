using Workbench.Data;
using Workbench.Models;
using Workbench.TestSupport;
using Workbench.Tests.Support;
using Workbench.Training;

namespace Workbench.Tests.Training;

public class FittingTests
{
    private static readonly (double Row, double Column)[] Centres = [(4.0, 5.0), (10.0, 9.0)];

    private static readonly TrainingOptions Options = new()
    {
        Epochs = 4, BatchSize = 64, LearningRate = 1e-2, L2 = 0, L1 = 0, History = 10, Schedule = ScheduleKind.None, EarlyStoppingPatience = 0,
    };

    [Fact]
    public void LnWithoutKnownCentres_EstimatesThemFromTheData_AndFits()
    {
        TestTorch.Cpu(seed: 80);
        var (recording, _) = PlantedData.LocalisedLnCells(frames: 20_000, size: 14, history: 10, Centres);
        using var _ = recording;

        var fit = Fitting.Fit(recording, ModelKind.Ln, Options, customise: s => s with { Cutout = 7 });
        using var model = fit.Model;

        Assert.True(fit.CentresEstimated);
        for (int c = 0; c < Centres.Length; c++)
        {
            Assert.Equal(Centres[c].Row, model.Spec.CellPositions![c].Row, 0.5);
            Assert.Equal(Centres[c].Column, model.Spec.CellPositions![c].Column, 0.5);
        }
        Assert.True(fit.Training!.BestValidationCorrelation > 0.3, $"validation r {fit.Training.BestValidationCorrelation}");
    }

    [Fact]
    public void RevCorLn_IsFittedInClosedForm_AndCheckpointed()
    {
        TestTorch.Cpu(seed: 81);
        var (recording, _) = PlantedData.LocalisedLnCells(frames: 20_000, size: 14, history: 10, Centres);
        using var _ = recording;
        using var dir = new TempDirectory();

        var fit = Fitting.Fit(recording, ModelKind.RevCorLn, Options, new TrainingContext { RunDirectory = dir.Path }, s => s with { Cutout = 7 });
        using var model = fit.Model;

        Assert.Null(fit.Training);
        Assert.IsType<RevCorLn>(model);
        var (loaded, info) = Checkpoint.Load(Path.Combine(dir.Path, "best.weights"));
        using var __ = loaded;
        Assert.Equal(ModelKind.RevCorLn, info.Spec.Kind);
        Assert.Equal(recording.Cells.Count, info.Cells.Count);
    }

    [Fact]
    public void SmallBnCnn_Trains_AndImprovesOnItsFirstEpoch()
    {
        TestTorch.Cpu(seed: 82);
        var (recording, _) = PlantedData.LocalisedLnCells(frames: 8_000, size: 14, history: 10, Centres);
        using var _ = recording;

        var fit = Fitting.Fit(recording, ModelKind.BnCnn, Options with { Epochs = 5, LearningRate = 5e-3 },
            customise: s => s with { Channels = [4, 4], Kernels = [5, 3] });
        using var model = fit.Model;

        var history = fit.Training!.History;
        Assert.True(history[^1].TrainLoss < history[0].TrainLoss);
        Assert.True(fit.Training.BestValidationCorrelation > history[0].ValidationCorrelation);
    }
}
