using TorchSharp;
using Workbench.Data;
using Workbench.Metrics;
using Workbench.Models;
using Workbench.Runtime;
using Workbench.TestSupport;
using Workbench.Tests.Support;
using Workbench.Training;

namespace Workbench.Tests.Training;

public class TrainerTests
{
    private static ModelSpec LnSpec(int size, int history, int cells) =>
        new() { Kind = ModelKind.Ln, Height = size, Width = size, History = history, Cells = cells };

    private static readonly TrainingOptions Quick = new()
    {
        Epochs = 8, BatchSize = 64, LearningRate = 1e-2, L2 = 0, L1 = 0, History = 8, Schedule = ScheduleKind.None, EarlyStoppingPatience = 0,
    };

    [Fact]
    public void PoissonLoss_MatchesAHandComputedValue()
    {
        using var predicted = torch.tensor(new float[] { 2f, 0.5f });
        using var target = torch.tensor(new float[] { 1f, 3f });
        // mean(ŷ − y·log(ŷ + 1e-8)) = ((2 − log 2) + (0.5 − 3·log 0.5)) / 2
        double expected = (2 - Math.Log(2) + 0.5 - 3 * Math.Log(0.5)) / 2;

        Assert.Equal(expected, Losses.Compute(LossKind.Poisson, predicted, target).item<float>(), 1e-6);
        Assert.Equal((1 + 6.25) / 2, Losses.Compute(LossKind.Mse, predicted, target).item<float>(), 1e-6);
    }

    [Fact]
    public void Training_ReducesTheLoss_AndRecoversAPlantedLnFilter()
    {
        TestTorch.Cpu(seed: 40);
        var (recording, truth) = PlantedData.LnCells(frames: 6000, size: 8, history: 8, cells: 2);
        using var _ = recording;
        using var model = new LnModel(LnSpec(8, 8, 2));

        var result = Trainer.Train(model, recording, Quick);

        Assert.True(result.History[^1].TrainLoss < result.History[0].TrainLoss, "the training loss did not fall");
        Assert.True(result.BestValidationCorrelation > 0.95, $"validation r {result.BestValidationCorrelation}");
        // The learned filters point where the planted ones do (the softplus output scale is absorbed by the filter norm).
        var r = Correlation.PerCell(model.Filters.detach().flatten(1).t(), truth.flatten(1).t());
        Assert.All(r, v => Assert.True(v > 0.95, $"filter r = {v}"));
    }

    [Fact]
    public void EarlyStopping_Stops_WhenValidationStopsImproving()
    {
        TestTorch.Cpu(seed: 41);
        var (recording, _) = PlantedData.LnCells(frames: 3000, size: 6, history: 8, cells: 1);
        using var __ = recording;
        // Shuffle the responses in time: nothing is learnable, so validation cannot keep improving.
        using var shuffled = recording.Rates.index_select(0, torch.randperm(recording.Frames));
        recording.Rates.copy_(shuffled);
        using var model = new LnModel(LnSpec(6, 8, 1));

        var result = Trainer.Train(model, recording, Quick with { Epochs = 40, EarlyStoppingPatience = 3 });

        Assert.Equal(TrainingStatus.EarlyStopped, result.Status);
        Assert.True(result.History.Count < 40);
        Assert.Equal(result.History.Count, result.BestEpoch + 3);
    }

    [Fact]
    public void SameSeed_SameWeights()
    {
        float[] Train()
        {
            TestTorch.Cpu(seed: 42);
            var (recording, _) = PlantedData.LnCells(frames: 2000, size: 6, history: 8, cells: 1);
            using var r = recording;
            using var model = new LnModel(LnSpec(6, 8, 1));
            Trainer.Train(model, r, Quick with { Epochs = 2 });
            return model.Filters.detach().data<float>().ToArray();
        }

        Assert.Equal(Train(), Train());
    }

    [Fact]
    public void Checkpoint_RoundTrips_AndResumeContinuesExactlyWhereItStopped()
    {
        using var dir = new TempDirectory();
        var options = Quick with { Epochs = 4, Schedule = ScheduleKind.Plateau, PlateauPatience = 1 };

        float[] Straight()
        {
            TestTorch.Cpu(seed: 43);
            var (recording, _) = PlantedData.LnCells(frames: 2000, size: 6, history: 8, cells: 1, poisson: true);
            using var r = recording;
            using var model = new LnModel(LnSpec(6, 8, 1));
            Trainer.Train(model, r, options with { RestoreBest = false }, new TrainingContext { RunDirectory = dir.File("straight") });
            return model.Filters.detach().data<float>().ToArray();
        }

        float[] Resumed()
        {
            TestTorch.Cpu(seed: 43);
            var (recording, _) = PlantedData.LnCells(frames: 2000, size: 6, history: 8, cells: 1, poisson: true);
            using var r = recording;
            using (var first = new LnModel(LnSpec(6, 8, 1)))
                Trainer.Train(first, r, options with { Epochs = 2, RestoreBest = false }, new TrainingContext { RunDirectory = dir.File("resumed") });
            torch.manual_seed(999); // whatever happened in between must not matter
            using var second = new LnModel(LnSpec(6, 8, 1));
            var result = Trainer.Train(second, r, options with { RestoreBest = false }, new TrainingContext { RunDirectory = dir.File("resumed"), Resume = true });
            Assert.Equal(4, result.History.Count);
            return second.Filters.detach().data<float>().ToArray();
        }

        Assert.Equal(Straight(), Resumed());
        var (loaded, info) = Checkpoint.Load(Path.Combine(dir.File("straight"), "best.weights"));
        using var __ = loaded;
        Assert.Equal(ModelKind.Ln, info.Spec.Kind);
        Assert.InRange(info.Epoch, 1, 4);
        Assert.True(File.Exists(Path.Combine(dir.File("straight"), "history.csv")));
        Assert.Equal(5, File.ReadAllLines(Path.Combine(dir.File("straight"), "history.csv")).Length);
    }

    /// <summary>Validation runs each held-out block as one movie (the BN-CNN's first layer once per frame, through a
    /// space-time transform); its numbers must be those of the same windows gathered and run one by one.</summary>
    [Theory]
    [InlineData(ModelKind.BnCnn)]
    [InlineData(ModelKind.Ln)]
    public void Validation_OverConsecutiveWindows_EqualsTheWindowsGatheredOneByOne(ModelKind kind)
    {
        const double Rounding = 1e-5;   // float32 rounding of two routes to the same sums
        TestTorch.Cpu(seed: 45);
        var (recording, _) = PlantedData.LnCells(frames: 3000, size: 12, history: 8, cells: 2);
        using var _ = recording;
        using var model = RetinaModels.Create(new ModelSpec { Kind = kind, Height = 12, Width = 12, History = 8, Cells = 2, Channels = [4, 3], Kernels = [5, 3] });

        var result = Trainer.Train(model, recording, Quick with { Epochs = 1 });

        model.eval();
        using var noGrad = torch.no_grad();
        using var windows = new HistoryWindows(recording, 8);
        var indices = result.Split.Validation.SelectMany(r => Enumerable.Range(0, (int)r.Length).Select(i => r.Start + i)).ToArray();
        Assert.True(result.Split.Validation.Count(r => r.Length > 0) > 1, "the split should hold several validation blocks");
        var (inputs, targets) = windows.Batch(indices);
        using var predicted = model.Predict(inputs);
        var expected = Correlation.PerCell(predicted, targets);
        var epoch = result.History.Single();
        Assert.Equal(expected.Length, epoch.CellCorrelations.Count);
        for (int c = 0; c < expected.Length; c++) Assert.Equal(expected[c], epoch.CellCorrelations[c], Rounding);
        double loss = Losses.Compute(LossKind.Poisson, predicted, targets).item<float>();
        Assert.True(Math.Abs(loss - epoch.ValidationLoss) <= Rounding * Math.Abs(loss), $"validation loss {epoch.ValidationLoss}, windows one by one {loss}");
        inputs.Dispose();
        targets.Dispose();
    }

    /// <summary>A BN-CNN whose first layer runs through FFTs trains from the stimulus's frame spectra (each frame
    /// transformed once) instead of gathered windows: the same run, to float rounding, as from gathered windows.</summary>
    [Fact]
    public void BnCnn_TrainedFromFrameSpectra_TrainsAsFromGatheredWindows()
    {
        const double Rounding = 1e-4;   // float32 rounding of two routes, carried through 2 epochs of updates
        var (previousAlgorithm, previousRoute) = (Convolutions.Algorithm, BnCnn.UseFrameSpectra);
        try
        {
            Convolutions.Algorithm = ConvolutionAlgorithm.Fft;   // small test shapes would go direct
            (TrainingResult Result, float[] Weights) Train(bool spectra)
            {
                BnCnn.UseFrameSpectra = spectra;
                TestTorch.Cpu(seed: 46);
                var (recording, _) = PlantedData.LnCells(frames: 3000, size: 12, history: 8, cells: 2);
                using var r = recording;
                using var model = new BnCnn(new ModelSpec { Kind = ModelKind.BnCnn, Height = 12, Width = 12, History = 8, Cells = 2, Channels = [4, 3], Kernels = [5, 3] });
                using (var predictor = model.PredictorFor(r, torch.CPU)) Assert.Equal(spectra, predictor is not null);
                var result = Trainer.Train(model, r, Quick with { Epochs = 2 });
                return (result, model.parameters().SelectMany(p => p.detach().flatten().data<float>().ToArray()).ToArray());
            }

            var (fromSpectra, spectraWeights) = Train(spectra: true);
            var (fromWindows, windowWeights) = Train(spectra: false);

            Assert.Equal(fromWindows.History.Count, fromSpectra.History.Count);
            for (int e = 0; e < fromWindows.History.Count; e++)
            {
                Assert.Equal(fromWindows.History[e].TrainLoss, fromSpectra.History[e].TrainLoss, Rounding);
                Assert.Equal(fromWindows.History[e].ValidationCorrelation, fromSpectra.History[e].ValidationCorrelation, Rounding);
            }
            double scale = windowWeights.Max(Math.Abs);
            Assert.All(spectraWeights.Zip(windowWeights), p => Assert.True(Math.Abs(p.First - p.Second) <= Rounding * scale, $"weight {p.First} against {p.Second}"));
            Assert.True(fromSpectra.History[^1].ValidationCorrelation > fromSpectra.InitialValidationCorrelation + 0.1,
                $"the model learned little: r {fromSpectra.History[^1].ValidationCorrelation}, untrained {fromSpectra.InitialValidationCorrelation}");
        }
        finally
        {
            (Convolutions.Algorithm, BnCnn.UseFrameSpectra) = (previousAlgorithm, previousRoute);
        }
    }

    [Fact]
    public void NaNLoss_StopsCleanly_KeepingTheLastGoodWeights()
    {
        using var dir = new TempDirectory();
        TestTorch.Cpu(seed: 44);
        var (recording, _) = PlantedData.LnCells(frames: 3000, size: 6, history: 8, cells: 1);
        using var _ = recording;
        using var model = new LnModel(LnSpec(6, 8, 1));
        Trainer.Train(model, recording, Quick with { Epochs = 2 }, new TrainingContext { RunDirectory = dir.Path });
        // Poison every response: the next epoch's first batch has a NaN loss.
        recording.Rates.fill_(float.NaN);

        var result = Trainer.Train(model, recording, Quick with { Epochs = 4 }, new TrainingContext { RunDirectory = dir.Path, Resume = true });

        Assert.Equal(TrainingStatus.Diverged, result.Status);
        Assert.Contains("epoch 3, batch 1", result.Reason);
        Assert.Equal(2, result.History.Count);
        Assert.False(model.Filters.isnan().any().item<bool>());
        var (best, _) = Checkpoint.Load(Path.Combine(dir.Path, "best.weights"));
        using var __ = best;
        Assert.False(((LnModel)best).Filters.isnan().any().item<bool>());
    }

    [Fact]
    public void MismatchedWeights_AreReportedKeyByKey()
    {
        using var dir = new TempDirectory();
        using var small = new LnModel(LnSpec(6, 8, 1));
        Checkpoint.Save(small, dir.File("m.weights"), new CheckpointInfo(small.Spec, null, [], null, 1, null));
        using var other = new LnModel(LnSpec(6, 8, 2));

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadWeights(other, dir.File("m.weights")));

        Assert.Contains("filters: file has [1, 8, 6, 6], model expects [2, 8, 6, 6]", e.Message);
        Assert.Contains("bias: file has [1], model expects [2]", e.Message);
    }
}
