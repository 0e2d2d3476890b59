using TorchSharp;
using Workbench.Data;
using Workbench.Models;
using Workbench.TestSupport;
using Workbench.Tests.Support;
using Workbench.Training;
using static TorchSharp.torch;

namespace Workbench.Tests.Training;

/// <summary>
/// Training LN and GLM models on batches cropped to their input region (<see cref="Trainer.TrainingCrop"/>) is the same
/// fit as on whole frames — same losses, gradients and weights — and leaves checkpoints a whole-frame model loads.
/// </summary>
public class CroppedTrainingTests
{
    /// <summary>Float64 sums over the same products in a different order: rounding only.</summary>
    private const double Float64Tolerance = 1e-12;

    /// <summary>Float32 training, cropped vs whole: the products are summed in a different order (measured: ~3e-7 relative
    /// in the training loss after 3 epochs, everything within 1e-5); a wrong crop or origin changes them at order 1.</summary>
    private const double Float32Tolerance = 1e-4;

    private const int Size = 16, History = 8;

    private static readonly TrainingOptions Options = new()
    {
        Epochs = 3, BatchSize = 64, LearningRate = 1e-2, History = History, Schedule = ScheduleKind.None, EarlyStoppingPatience = 0,
    };

    private static ModelSpec SpecFor(ModelKind kind) => new()
    {
        Kind = kind, Cells = 2, Height = Size, Width = Size, History = History, Cutout = 5, SpikeHistory = 4,
        CellPositions = [new CellPosition(5, 5), new CellPosition(8, 7)],
        MeanSpikeCounts = kind == ModelKind.Glm ? [0.1, 0.1] : null,
    };

    public static TheoryData<ModelKind> Kinds => [ModelKind.Ln, ModelKind.Glm];

    private static Recording Planted() =>
        PlantedData.LocalisedLnCells(frames: 3000, size: Size, history: History, centres: [(5, 5), (8, 7)]).Recording;

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ACroppedBatch_HasTheWholeBatchsLossAndGradients_Float64(ModelKind kind)
    {
        TestTorch.Cpu(seed: 51);
        using var recording = Planted();
        using var model = RetinaModels.Create(SpecFor(kind));
        model.to(float64);
        var crop = Trainer.TrainingCrop(model, Size, Size);
        using var whole = new HistoryWindows(recording, History);
        using var cropped = new HistoryWindows(recording, History, crop);
        long[] batch = [5, 900, 17, 2500, 1234, 64];

        var (lossWhole, gradsWhole) = LossAndGradients(whole.Batch(batch));
        var (lossCropped, gradsCropped) = LossAndGradients(cropped.ReusedBatch(batch));

        // Corners (3, 3) and (6, 5): rows 3..10, columns 3..9.
        Assert.Equal(new StimulusRegion(3, 3, 8, 7), crop);
        Assert.Equal(lossWhole, lossCropped, Float64Tolerance);
        foreach (var (name, grad) in gradsWhole)
            Assert.True((grad - gradsCropped[name]).abs().max().item<double>() < Float64Tolerance, name);

        (double, Dictionary<string, Tensor>) LossAndGradients((Tensor Inputs, Tensor Targets) data)
        {
            model.zero_grad();
            var spikes = model.NeedsSpikeHistory ? whole.SpikeHistory(batch).to(float64) : null;
            var predicted = model.Predict(data.Inputs.to(float64), spikes);
            var loss = Losses.Compute(LossKind.Poisson, predicted, data.Targets.to(float64)) + 1e-3 * predicted.abs().sum() / predicted.shape[0];
            loss.backward();
            return (loss.item<double>(), model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone()));
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TrainingOnCrops_IsTheWholeFrameFit_AndItsCheckpointLoadsAsBefore(ModelKind kind)
    {
        using var dir = new TempDirectory();
        var (croppedHistory, croppedWeights) = Train(kind, crop: true, dir.File("cropped"));
        var (wholeHistory, wholeWeights) = Train(kind, crop: false, dir.File("whole"));

        for (int e = 0; e < Options.Epochs; e++)
        {
            Assert.Equal(wholeHistory[e].TrainLoss, croppedHistory[e].TrainLoss, Float32Tolerance * Math.Abs(wholeHistory[e].TrainLoss));
            Assert.Equal(wholeHistory[e].ValidationCorrelation, croppedHistory[e].ValidationCorrelation, Float32Tolerance);
        }
        foreach (var (name, weight) in wholeWeights)
        {
            double scale = weight.abs().max().item<float>();
            Assert.True((weight - croppedWeights[name]).abs().max().item<float>() <= Float32Tolerance * scale, name);
        }

        // The checkpoint of the cropped fit: the same tensors, names and shapes as a whole-frame model's, and it predicts
        // whole frames as the trained model did.
        TestTorch.Cpu(seed: 52);
        using var recording = Planted();
        var (loaded, _) = Checkpoint.Load(Path.Combine(dir.File("cropped"), "best.weights"));
        using var __ = loaded;
        using var fresh = RetinaModels.Create(SpecFor(kind));
        Assert.Equal(fresh.state_dict().Select(kv => (kv.Key, string.Join(",", kv.Value.shape))),
            loaded.state_dict().Select(kv => (kv.Key, string.Join(",", kv.Value.shape))));
        foreach (var (name, weight) in croppedWeights)
            Assert.Equal(0f, (loaded.state_dict()[name] - weight).abs().max().item<float>());
    }

    private static (IReadOnlyList<EpochSummary>, Dictionary<string, Tensor>) Train(ModelKind kind, bool crop, string runDirectory)
    {
        TestTorch.Cpu(seed: 53);
        using var recording = Planted();
        using var model = RetinaModels.Create(SpecFor(kind));
        var result = Trainer.Train(model, recording, Options, new TrainingContext { RunDirectory = runDirectory, CropToInputRegion = crop });
        return (result.History, model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone()));
    }

    [Fact]
    public void OnlyRegionsOfAtMostThreeQuartersOfTheFrame_AreCropped()
    {
        TestTorch.Cpu();
        using var small = RetinaModels.Create(SpecFor(ModelKind.Ln));
        // Cutouts of 13 at opposite corners: the region is the whole 16x16 frame.
        using var wide = RetinaModels.Create(SpecFor(ModelKind.Ln) with { Cutout = 13, CellPositions = [new CellPosition(0, 0), new CellPosition(15, 15)] });
        // 14x13 = 182 of 256 checkers (71 %): cropped; 14x14 = 196 (77 %): not.
        using var under = RetinaModels.Create(SpecFor(ModelKind.Ln) with { Cutout = 13, CellPositions = [new CellPosition(6, 6), new CellPosition(7, 6)] });
        using var over = RetinaModels.Create(SpecFor(ModelKind.Ln) with { Cutout = 13, CellPositions = [new CellPosition(6, 6), new CellPosition(7, 7)] });
        using var noCutouts = RetinaModels.Create(SpecFor(ModelKind.Ln) with { CellPositions = null });

        Assert.Equal(new StimulusRegion(3, 3, 8, 7), Trainer.TrainingCrop(small, Size, Size));
        Assert.Null(Trainer.TrainingCrop(wide, Size, Size));
        Assert.Equal(new StimulusRegion(0, 0, 14, 13), Trainer.TrainingCrop(under, Size, Size));
        Assert.Null(Trainer.TrainingCrop(over, Size, Size));
        Assert.Null(Trainer.TrainingCrop(noCutouts, Size, Size));
    }
}
