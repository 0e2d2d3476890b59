using System.Text.Json.Nodes;
using TorchSharp;
using Workbench.Data;
using Workbench.Metrics;
using Workbench.Models;
using Workbench.TestSupport;
using Workbench.Tests.Support;
using Workbench.Training;

namespace Workbench.Tests.Training;

/// <summary>
/// Divergence is a failure: planted faults (<see cref="TripwireModel"/>, or <see cref="NaNInjection"/> through the
/// environment) make a run diverge at a known epoch and batch, and the trainer must name exactly that place, leave no
/// model unless an earlier epoch was finite and beat the untrained model, record it in result.json, and refuse to resume.
/// </summary>
public class DivergenceTests
{
    private const int BatchesPerEpoch = 4;

    /// <summary>The best epoch's validation r recomputed from the returned weights matches the recorded one to float32 rounding.</summary>
    private const double RecomputedCorrelationTolerance = 1e-5;

    private static readonly TrainingOptions Options = new()
    {
        Epochs = 5, BatchSize = 64, MaxBatchesPerEpoch = BatchesPerEpoch, LearningRate = 1e-2, L2 = 0, L1 = 0, History = 8,
        Schedule = ScheduleKind.None, EarlyStoppingPatience = 0,
    };

    /// <summary>Training pass <paramref name="call"/> is this epoch and batch (the oracle for where a planted fault fires).</summary>
    private static (int Epoch, int Batch) Position(int call) => ((call - 1) / BatchesPerEpoch + 1, (call - 1) % BatchesPerEpoch + 1);

    private static (Recording Recording, torch.Tensor Filters) Data(int seed)
    {
        TestTorch.Cpu(seed);
        return PlantedData.LnCells(frames: 3000, size: 6, history: 8, cells: 2);
    }

    private static JsonNode ResultJson(string run) => JsonNode.Parse(File.ReadAllText(Path.Combine(run, "result.json")))!;

    [Fact]
    public void DivergingBeforeAnyGoodEpoch_ThrowsNamingTheEpochAndBatch_AndLeavesNoModel()
    {
        using var dir = new TempDirectory();
        var (recording, filters) = Data(60);
        using var _ = recording;
        using var __ = filters;
        const int call = 3;
        using var model = new TripwireModel(8, 6, 2) { NaNOutputAtCall = call };

        var e = Assert.Throws<TrainingDivergedException>(() =>
            Trainer.Train(model, recording, Options, new TrainingContext { RunDirectory = dir.Path }));

        var (epoch, batch) = Position(call);
        Assert.Equal((epoch, batch), (e.Divergence.Epoch, e.Divergence.Batch));
        Assert.Contains($"epoch {epoch}, batch {batch}: the loss became NaN", e.Message);
        Assert.Equal(call, model.TrainingCalls); // stopped at that batch: no backward, no step, no further batch
        var result = ResultJson(dir.Path);
        Assert.Equal("Diverged", result["status"]!.GetValue<string>());
        Assert.Equal(epoch, result["divergence"]!["epoch"]!.GetValue<int>());
        Assert.Equal(batch, result["divergence"]!["batch"]!.GetValue<int>());
        Assert.False(result["hasModel"]!.GetValue<bool>());
        Assert.Equal(0, result["bestEpoch"]!.GetValue<int>());
        Assert.False(File.Exists(Path.Combine(dir.Path, "best.weights")));
        Assert.False(File.Exists(Path.Combine(dir.Path, "best.weights.json")));
    }

    [Fact]
    public void FiniteEpochsNoBetterThanTheUntrainedModel_ThenDivergence_LeaveNoModel()
    {
        using var dir = new TempDirectory();
        var (recording, filters) = Data(61);
        using var _ = recording;
        using var __ = filters;
        const int call = BatchesPerEpoch + 2;
        // Start from the planted filters (validation r near 1); every trained epoch validates anti-correlated (finite, worse).
        using var model = new TripwireModel(8, 6, 2) { NaNOutputAtCall = call, WorseAfterTraining = true };
        using (torch.no_grad()) model.Weight.copy_(filters.flatten(1) * 2);

        var e = Assert.Throws<TrainingDivergedException>(() =>
            Trainer.Train(model, recording, Options, new TrainingContext { RunDirectory = dir.Path }));

        Assert.Equal(Position(call), (e.Divergence.Epoch, e.Divergence.Batch));
        var result = ResultJson(dir.Path);
        double initial = result["initialValidationCorrelation"]!.GetValue<double>();
        double epochOne = result["history"]![0]!["validationCorrelation"]!.GetValue<double>();
        Assert.True(initial > 0.9 && epochOne < initial, $"untrained r {initial}, epoch 1 r {epochOne}");
        Assert.Contains("the best epoch, 1, reached", e.Message);
        // Epoch 1 was the best so far and was checkpointed; a run without a model must not leave those weights behind.
        Assert.False(File.Exists(Path.Combine(dir.Path, "best.weights")));
        Assert.Equal("Diverged", result["status"]!.GetValue<string>());
    }

    [Fact]
    public void DivergingAfterAGoodEpoch_KeepsTheBestGoodWeights_ButSaysDiverged()
    {
        using var dir = new TempDirectory();
        var (recording, filters) = Data(62);
        using var _ = recording;
        using var __ = filters;
        const int call = 2 * BatchesPerEpoch + 2;
        using var model = new TripwireModel(8, 6, 2) { NaNOutputAtCall = call };

        var result = Trainer.Train(model, recording, Options, new TrainingContext { RunDirectory = dir.Path });

        var (epoch, batch) = Position(call);
        Assert.Equal(TrainingStatus.Diverged, result.Status);
        Assert.Equal((epoch, batch), (result.Divergence!.Epoch, result.Divergence.Batch));
        Assert.Contains($"epoch {epoch}, batch {batch}", result.Reason);
        Assert.Equal(epoch - 1, result.History.Count);
        Assert.InRange(result.BestEpoch, 1, epoch - 1);
        Assert.True(result.BestValidationCorrelation > result.InitialValidationCorrelation,
            $"best {result.BestValidationCorrelation} vs untrained {result.InitialValidationCorrelation}");
        Assert.True(result.HasModel);
        // The model holds exactly the checkpointed best weights, and they are finite.
        Assert.True(model.Weight.isfinite().all().item<bool>());
        using var saved = new TripwireModel(8, 6, 2);
        Checkpoint.LoadWeights(saved, Path.Combine(dir.Path, "best.weights"));
        Assert.Equal(saved.Weight.data<float>().ToArray(), model.Weight.detach().data<float>().ToArray());
        var json = ResultJson(dir.Path);
        Assert.Equal("Diverged", json["status"]!.GetValue<string>());
        Assert.True(json["hasModel"]!.GetValue<bool>());
        // Still a failure for callers that need a result.
        var e = Assert.Throws<TrainingDivergedException>(() => result.ThrowIfDiverged());
        Assert.Contains($"epoch {epoch}, batch {batch}", e.Message);
    }

    [Fact]
    public void InMemory_DivergingAfterAGoodEpoch_RestoresTheBestEpochsWeights()
    {
        var (recording, filters) = Data(63);
        using var _ = recording;
        using var __ = filters;
        using var model = new TripwireModel(8, 6, 2) { NaNOutputAtCall = 3 * BatchesPerEpoch + 1 };

        var result = Trainer.Train(model, recording, Options);

        Assert.Equal(TrainingStatus.Diverged, result.Status);
        Assert.Equal((4, 1), (result.Divergence!.Epoch, result.Divergence.Batch));
        // Oracle: the validation r of the returned weights, recomputed here, is the best epoch's recorded r.
        using var windows = new HistoryWindows(recording, Options.History);
        using var noGrad = torch.no_grad();
        var predictions = new List<torch.Tensor>();
        var targets = new List<torch.Tensor>();
        foreach (var batch in WindowBatches.InOrder(result.Split.Validation, 512))
        {
            var (x, y) = windows.Batch(batch, torch.CPU);
            predictions.Add(model.Predict(x));
            targets.Add(y);
        }
        double r = Correlation.PerCell(torch.cat(predictions, 0), torch.cat(targets, 0)).Average();
        Assert.Equal(result.BestValidationCorrelation, r, RecomputedCorrelationTolerance);
    }

    [Fact]
    public void AnUpdateThatMakesAWeightNonFinite_IsCaughtAtThatBatch_NamingTheParameter()
    {
        var (recording, filters) = Data(64);
        using var _ = recording;
        using var __ = filters;
        const int call = BatchesPerEpoch + 2;
        using var model = new TripwireModel(8, 6, 2) { NonFiniteGradientAtCall = call };

        var result = Trainer.Train(model, recording, Options);

        Assert.Equal(Position(call), (result.Divergence!.Epoch, result.Divergence.Batch));
        Assert.Contains("update made _linear.weight non-finite", result.Divergence.What);
        Assert.Equal(call, model.TrainingCalls);
        Assert.True(model.Weight.isfinite().all().item<bool>()); // epoch 1's weights are back
    }

    [Fact]
    public void NonFiniteValidationPredictions_AreDivergence_AtTheEpochsLastBatch()
    {
        var (recording, filters) = Data(65);
        using var _ = recording;
        using var __ = filters;
        using var model = new TripwireModel(8, 6, 2) { NaNEvaluationAfterCall = 2 * BatchesPerEpoch };

        var result = Trainer.Train(model, recording, Options);

        Assert.Equal((2, BatchesPerEpoch), (result.Divergence!.Epoch, result.Divergence.Batch));
        Assert.Contains("validation", result.Divergence.What);
        Assert.Single(result.History);
        Assert.Equal(TrainingStatus.Diverged, result.Status);
    }

    [Theory]
    [InlineData(3)]                       // no model
    [InlineData(2 * BatchesPerEpoch + 2)] // best good epoch kept
    public void ResumingADivergedRun_IsRefused_AndChangesNothing(int call)
    {
        using var dir = new TempDirectory();
        var (recording, filters) = Data(66);
        using var _ = recording;
        using var __ = filters;
        using (var first = new TripwireModel(8, 6, 2) { NaNOutputAtCall = call })
        {
            try { Trainer.Train(first, recording, Options, new TrainingContext { RunDirectory = dir.Path }); }
            catch (TrainingDivergedException) { }
        }
        var before = Snapshot(dir.Path);
        using var second = new TripwireModel(8, 6, 2);

        var e = Assert.Throws<RunDirectoryException>(() =>
            Trainer.Train(second, recording, Options, new TrainingContext { RunDirectory = dir.Path, Resume = true }));

        var (epoch, batch) = Position(call);
        Assert.Contains($"ended by divergence in epoch {epoch}, batch {batch}", e.Message);
        Assert.Contains("not resumed", e.Message);
        Assert.Equal(0, second.TrainingCalls);
        Assert.Equal(before, Snapshot(dir.Path));
    }

    [Fact]
    public void ANewRunIntoAFolderHoldingARun_IsRefused_AndChangesNothing()
    {
        using var dir = new TempDirectory();
        var (recording, filters) = Data(67);
        using var _ = recording;
        using var __ = filters;
        using (var first = new TripwireModel(8, 6, 2))
            Trainer.Train(first, recording, Options with { Epochs = 2 }, new TrainingContext { RunDirectory = dir.Path });
        var before = Snapshot(dir.Path);
        using var second = new TripwireModel(8, 6, 2);

        var e = Assert.Throws<RunDirectoryException>(() =>
            Trainer.Train(second, recording, Options, new TrainingContext { RunDirectory = dir.Path }));

        Assert.Contains("already holds a training run (Completed", e.Message);
        Assert.Equal(before, Snapshot(dir.Path));
    }

    [Fact]
    public void Resume_WithNoCompletedEpoch_IsRefused_ButOfAnEmptyFolder_StartsANewRun()
    {
        using var dir = new TempDirectory();
        var (recording, filters) = Data(68);
        using var _ = recording;
        using var __ = filters;
        string killed = dir.File("killed");
        Directory.CreateDirectory(killed);
        File.WriteAllText(Path.Combine(killed, "config.json"), "{}"); // a run killed during its first epoch
        using var model = new TripwireModel(8, 6, 2);

        var e = Assert.Throws<RunDirectoryException>(() =>
            Trainer.Train(model, recording, Options, new TrainingContext { RunDirectory = killed, Resume = true }));
        var fresh = Trainer.Train(model, recording, Options with { Epochs = 1 }, new TrainingContext { RunDirectory = dir.File("empty"), Resume = true });

        Assert.Contains("no completed epoch to resume", e.Message);
        Assert.Equal(TrainingStatus.Completed, fresh.Status);
    }

    [Fact]
    public void Fitting_WithANaNInjectedThroughTheEnvironment_FailsAtThatBatch_OrKeepsAnEarlierGoodEpoch()
    {
        var (recording, filters) = Data(69);
        using var _ = recording;
        using var __ = filters;
        var options = Options with { Epochs = 3 };
        try
        {
            Environment.SetEnvironmentVariable(NaNInjection.Variable, "1:2");
            var e = Assert.Throws<TrainingDivergedException>(() => Fitting.Fit(recording, ModelKind.Ln, options, customise: s => s with { Cutout = 5 }));
            Assert.Equal((1, 2), (e.Divergence.Epoch, e.Divergence.Batch));
            Assert.Contains($"(NaN injected by {NaNInjection.Variable}=1:2)", e.Message);

            Environment.SetEnvironmentVariable(NaNInjection.Variable, "2:3");
            var fit = Fitting.Fit(recording, ModelKind.Ln, options, customise: s => s with { Cutout = 5 });
            using var model = fit.Model;
            Assert.Equal(TrainingStatus.Diverged, fit.Training!.Status);
            Assert.Equal((2, 3), (fit.Training.Divergence!.Epoch, fit.Training.Divergence.Batch));
            Assert.Equal(1, fit.Training.BestEpoch);
            Assert.True(((LnModel)model).Filters.isfinite().all().item<bool>());
            Assert.Throws<TrainingDivergedException>(() => fit.Training.ThrowIfDiverged());

            Environment.SetEnvironmentVariable(NaNInjection.Variable, "2-3");
            var bad = Assert.Throws<ArgumentException>(() => Fitting.Fit(recording, ModelKind.Ln, options, customise: s => s with { Cutout = 5 }));
            Assert.Contains($"{NaNInjection.Variable}=2-3", bad.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(NaNInjection.Variable, null);
        }
    }

    /// <summary>Every file under a folder with its bytes, to prove a refused call changed nothing.</summary>
    private static string Snapshot(string folder) => string.Join("\n", Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order()
        .Select(f => $"{Path.GetRelativePath(folder, f)} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))}"));
}
