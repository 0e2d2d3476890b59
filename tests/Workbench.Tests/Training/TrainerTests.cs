using TorchSharp;
using Workbench.Data;
using Workbench.Metrics;
using Workbench.Models;
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
