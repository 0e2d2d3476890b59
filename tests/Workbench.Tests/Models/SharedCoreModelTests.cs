using TorchSharp;
using Workbench.Data;
using Workbench.Models;
using Workbench.Models.Layers;
using Workbench.TestSupport;
using Workbench.Tests.Support;
using Workbench.Tests.Training;
using Workbench.Training;
using Xunit.Abstractions;

namespace Workbench.Tests.Models;

/// <summary>
/// One core shared by several recordings, each with its own readout (<see cref="SharedCoreModel"/>): the core's modules exist
/// once, every recording's model is the core plus its readout, checkpoints carry every readout, and training on several
/// recordings is the single-recording trainer when there is one.
/// </summary>
public class SharedCoreModelTests(ITestOutputHelper output)
{
    private static ModelSpec Spec(ReadoutKind readout = ReadoutKind.Gaussian) => SharedCoreModel.SpecFor(
        new ModelSpec { History = 10, Height = 14, Width = 14, Channels = [4, 4], Kernels = [5, 3], Readout = readout },
        [new RecordingCells("retina-a", 3), new RecordingCells("retina_b", 2)]);

    [Theory]
    [InlineData(ReadoutKind.Gaussian)]
    [InlineData(ReadoutKind.Factorized)]
    public void TheCoreExistsOnce_AndEachRecordingsModelIsTheCorePlusItsReadout(ReadoutKind readout)
    {
        TestTorch.Cpu(seed: 120);
        using var model = (SharedCoreModel)RetinaModels.Create(Spec(readout));
        Assert.Equal(["retina-a", "retina_b"], model.RecordingIds);
        var a = model.For("retina-a");
        var b = model.For("retina_b");

        // Parameters: one core and two readouts, nothing twice (Adam would step a shared tensor twice).
        long Count(IEnumerable<TorchSharp.Modules.Parameter> ps) => ps.Sum(p => p.numel());
        long core = Count(a.named_parameters().Where(p => !p.name.StartsWith("readout", StringComparison.Ordinal)).Select(p => p.parameter));
        long readouts = Count(a.Readout.parameters()) + Count(b.Readout.parameters());
        Assert.Equal(core + readouts, Count(model.parameters()));
        Assert.Equal(model.parameters().Count(), model.parameters().Distinct().Count());
        var keys = model.state_dict().Keys.ToList();
        Assert.Contains("conv1.weight", keys);
        Assert.Contains("bn2.running_mean", keys);
        Assert.Contains(keys, k => k.StartsWith("readouts.retina-a.", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.StartsWith("readouts.retina_b.", StringComparison.Ordinal));
        Assert.DoesNotContain(keys, k => k.StartsWith("readout.", StringComparison.Ordinal));

        // The model's output is every recording's model's output, side by side, in the recordings' order.
        model.eval();
        using var x = torch.randn(6, 10, 14, 14);
        using var all = model.call(x);
        using var fromA = a.call(x);
        using var fromB = b.call(x);
        Assert.Equal(new long[] { 6, 5 }, all.shape);
        Assert.Equal((3, 2), model.CellRange("retina_b"));
        Assert.True(all.narrow(1, 0, 3).allclose(fromA, rtol: 0, atol: 1e-6));
        Assert.True(all.narrow(1, 3, 2).allclose(fromB, rtol: 0, atol: 1e-6));

        // The views use the model's own modules: changing the core through one changes every recording's predictions.
        using (torch.no_grad()) b.named_parameters().First(p => p.name == "conv1.weight").parameter.mul_(2);
        using var changed = model.call(x);
        Assert.False(changed.narrow(1, 0, 3).allclose(fromA, rtol: 1e-3, atol: 1e-3));
        Assert.Throws<ArgumentException>(() => model.For("retina-c"));
    }

    [Fact]
    public void MoviePass_MatchesTheWindows_AndProbesStopEarly()
    {
        TestTorch.Cpu(seed: 121);
        using var model = (SharedCoreModel)RetinaModels.Create(Spec());
        model.eval();
        using var frames = torch.randn(40, 14, 14);
        var movie = model.MovieActivations(frames, ["relu2", "readout"]);
        using var windows = MovieWindows.Of(frames, 10);
        var each = model.Activations(windows, ["relu2", "readout"]);
        Assert.True(movie["output"].allclose(each["output"], rtol: 1e-4, atol: 1e-5));
        Assert.True(movie["readout"].allclose(each["readout"], rtol: 1e-4, atol: 1e-5));
        Assert.True(movie["relu2"].allclose(each["relu2"], rtol: 1e-4, atol: 1e-5));
        var probe = model.MovieActivations(frames, ["conv2"], rates: false);
        Assert.Equal(["conv2"], probe.Keys);
    }

    [Fact]
    public void Checkpoint_CarriesEveryReadout_AndEveryRecordingsCells()
    {
        TestTorch.Cpu(seed: 122);
        using var model = (SharedCoreModel)RetinaModels.Create(Spec());
        using (torch.no_grad())
            foreach (var p in model.parameters()) p.add_(torch.randn_like(p) * 0.1);
        using var dir = new TempDirectory();
        CellInfo[] cellsA = [new(0, "a0"), new(1, "a1"), new(2, "a2")], cellsB = [new(4, "b4"), new(7, "b7")];
        var recordings = new[]
        {
            new RecordingSource("retina-a", cellsA, new RecordingProvenance("a.h5", "train", "firing_rate_10ms", [])),
            new RecordingSource("retina_b", cellsB, new RecordingProvenance("b.h5", "train", "firing_rate_10ms", [])),
        };
        Checkpoint.Save(model, dir.File("m.weights"), new CheckpointInfo(model.Spec, null, [.. cellsA, .. cellsB], recordings[0].Data, 3, 0.5) { Recordings = recordings });

        var (loaded, info) = Checkpoint.Load(dir.File("m.weights"));
        using var _ = loaded;
        var shared = Assert.IsType<SharedCoreModel>(loaded);
        Assert.Equal(model.Spec.Recordings, shared.Spec.Recordings);
        Assert.Equal(["a.h5", "b.h5"], info.Recordings!.Select(r => r.Data!.Source));
        Assert.Equal([4, 7], info.Recordings![1].Cells.Select(c => c.Index));
        model.eval();
        using var x = torch.randn(4, 10, 14, 14);
        Assert.True(loaded.call(x).allclose(model.call(x), rtol: 0, atol: 0));
    }

    [Fact]
    public void BadSpecs_AreRefused_NamingWhatIsWrong()
    {
        TestTorch.Cpu(seed: 123);
        var good = Spec();
        Assert.Contains("per-cell readout", Assert.Throws<ArgumentException>(() => new SharedCoreModel(good with { Readout = ReadoutKind.Dense })).Message);
        Assert.Contains("'retina-a' appears 2 times", Assert.Throws<ArgumentException>(() =>
            new SharedCoreModel(good with { Recordings = [new("retina-a", 3), new("retina-a", 2)] })).Message);
        Assert.Contains("Cells is 6", Assert.Throws<ArgumentException>(() => new SharedCoreModel(good with { Cells = 6 })).Message);
        Assert.Contains("'a.b'", Assert.Throws<ArgumentException>(() => new SharedCoreModel(good with { Recordings = [new("a.b", 3), new("c", 2)] })).Message);
        Assert.Equal("retina_1_x", RecordingCells.IdFromPath("/data/retina 1.x.h5"));
    }

    private static readonly TrainingOptions Options = new()
    {
        Epochs = 3, BatchSize = 64, LearningRate = 1e-2, L2 = 0, L1 = 0, History = 10, Schedule = ScheduleKind.None, EarlyStoppingPatience = 0,
    };

    [Fact]
    public void OneRecording_TrainsExactlyAsTheSingleRecordingTrainer()
    {
        var (recording, _) = PlantedData.LocalisedLnCells(frames: 3_000, size: 14, history: 10, [(4.0, 5.0), (10.0, 9.0)]);
        using var _ = recording;
        var architecture = new ModelSpec { History = 10, Height = 14, Width = 14, Channels = [4, 4], Kernels = [5, 3], Readout = ReadoutKind.Gaussian };

        TestTorch.Cpu(seed: 124);
        using var single = new BnCnn(architecture with { Cells = 2 });
        var alone = Trainer.Train(single, recording, Options);
        TestTorch.Cpu(seed: 124);
        using var shared = new SharedCoreModel(SharedCoreModel.SpecFor(architecture, [new RecordingCells("only", 2)]));
        var together = Trainer.Train(shared, [recording], Options);

        Assert.Equal(alone.History.Select(h => h.ValidationCorrelation), together.History.Select(h => h.ValidationCorrelation));
        var a = single.state_dict();
        foreach (var (key, value) in shared.state_dict())
            Assert.True((a[key.Replace("readouts.only.", "readout.", StringComparison.Ordinal)] == value).all().item<bool>(), key);
    }

    /// <summary>How much better (mean validation r of the scarce recording's cells) the shared core must do than a model of
    /// the scarce recording alone.</summary>
    private const double SharingAdvantage = 0.1;

    [Fact]
    public void ACoreSharedWithARichRecording_PredictsAScarceOneBetter_ThanTheScarceOneAlone()
    {
        // Two "retinas" of the same cell kind at different positions: 60 s of one, 10 s of the other.
        TestTorch.Cpu(seed: 125);
        var (rich, _) = PlantedData.LocalisedLnCells(frames: 6_000, size: 14, history: 10, [(4.0, 5.0), (10.0, 9.0), (7.0, 7.0)]);
        var (scarce, _) = PlantedData.LocalisedLnCells(frames: 1_000, size: 14, history: 10, [(5.0, 9.0), (9.0, 4.0)]);
        var (test, _) = PlantedData.LocalisedLnCells(frames: 1_000, size: 14, history: 10, [(5.0, 9.0), (9.0, 4.0)]);
        using var __ = rich;
        using var ___ = scarce;
        using var ____ = test;
        var architecture = new ModelSpec { History = 10, Height = 14, Width = 14, Channels = [4, 4], Kernels = [5, 3], Readout = ReadoutKind.Gaussian };
        var options = Options with { Epochs = 6 };

        TestTorch.Cpu(seed: 126);
        using var shared = new SharedCoreModel(SharedCoreModel.SpecFor(architecture, [new RecordingCells("rich", 3), new RecordingCells("scarce", 2)]));
        var together = Trainer.Train(shared, [rich, scarce], options);
        TestTorch.Cpu(seed: 126);
        using var alone = new BnCnn(architecture with { Cells = 2 });
        Trainer.Train(alone, scarce, options);

        double Score(RetinaModel m)
        {
            using var predicted = Predictions.For(m, test);
            return Workbench.Metrics.ModelEvaluation.Of("m", predicted, test, 10).MeanCorrelation;
        }
        double sharedR = Score(shared.For("scarce")), aloneR = Score(alone);
        output.WriteLine($"scarce recording's cells, test r: shared core {sharedR:F3}, alone {aloneR:F3}; validation r over all cells {together.BestValidationCorrelation:F3}");
        Assert.Equal(5, together.History[0].CellCorrelations.Count);
        Assert.True(sharedR > aloneR + SharingAdvantage, $"shared {sharedR:F3}, alone {aloneR:F3}");
        Assert.Throws<ArgumentException>(() => Trainer.Train(shared, [rich], options));
        Assert.Throws<ArgumentException>(() => Trainer.Train(shared, [scarce, rich], options));
    }
}
