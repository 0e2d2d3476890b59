using TorchSharp;
using Workbench.Models;
using Workbench.TestSupport;
using Workbench.Tests.Support;

namespace Workbench.Tests.Models;

/// <summary>
/// The BN-CNN's core beyond the reference's two valid ReLU layers: any depth, zero padding, ELU, per-channel or
/// per-location batch norm. The core's output shape and offset are known from the spec, and checked here against what the
/// model computes: the maps it returns, and where an input's gradient lands.
/// </summary>
public class ConfigurableCoreTests
{
    /// <summary>A deep padded ELU core (three layers) on a 20x20 stimulus.</summary>
    private static ModelSpec Deep(ReadoutKind readout = ReadoutKind.Gaussian) => new()
    {
        Cells = 3, History = 8, Height = 20, Width = 20, Channels = [4, 6, 5], Kernels = [7, 5, 3], Padding = [0, 2, 1],
        Nonlinearity = CoreNonlinearity.Elu, BatchNorm = Workbench.Models.Layers.BatchNormMode.PerChannel, Readout = readout,
    };

    [Fact]
    public void TheReferenceModel_KeepsItsLayers_KeysAndParameterCount()
    {
        TestTorch.Cpu(seed: 130);
        using var model = new BnCnn(ModelSpec.BnCnnFor(5));
        Assert.Equal(["conv1", "bn1", "relu1", "conv2", "bn2", "relu2", "readout", "bn_out"], model.LayerNames);
        Assert.Equal(138_367, model.parameters().Sum(p => p.numel()));
        Assert.Equal(["conv1.weight", "conv1.bias", "bn1.weight", "bn1.bias"], model.state_dict().Keys.Take(4));
        Assert.Equal((8, 26, 26), model.CoreShape);
        Assert.Equal(12.0, model.CoreOffset);
        Assert.Equal(2, model.Depth);
    }

    [Fact]
    public void ADeepPaddedCore_HasTheShapeAndOffsetItsSpecSays()
    {
        TestTorch.Cpu(seed: 131);
        using var model = new BnCnn(Deep());
        // 20 → 14 (7, no padding) → 14 (5, padding 2) → 14 (3, padding 1); the offset is 3 + 2 + 1 − 2 − 1 = 3.
        Assert.Equal((5, 14, 14), model.CoreShape);
        Assert.Equal(3.0, model.CoreOffset);
        Assert.Equal(3, model.Depth);
        Assert.Equal(["conv1", "bn1", "elu1", "conv2", "bn2", "elu2", "conv3", "bn3", "elu3", "readout"], model.LayerNames);
        model.eval();
        using var x = torch.randn(2, 8, 20, 20, requires_grad: true);
        var layers = model.Activations(x, ["elu3", "bn3"]);
        Assert.Equal(new long[] { 2, 5, 14, 14 }, layers["elu3"].shape);
        Assert.True((layers["elu3"] >= -1).all().item<bool>());
        Assert.True((layers["elu3"] < 0).any().item<bool>(), "ELU passes negative values (ReLU would not)");

        // Where map position (6, 8) of the last layer looks: its input gradient is nonzero over a 13x13 patch (7 + 4 + 2)
        // whose centre is that position plus the offset.
        layers["bn3"][0, 2, 6, 8].backward();
        using var touched = x.grad![0].abs().sum(dim: 0) > 0;
        var rows = touched.any(dim: 1).nonzero().view(-1).data<long>().ToArray();
        var columns = touched.any(dim: 0).nonzero().view(-1).data<long>().ToArray();
        Assert.Equal(13, rows.Length);
        Assert.Equal(6 + model.CoreOffset, (rows[0] + rows[^1]) / 2.0);
        Assert.Equal(8 + model.CoreOffset, (columns[0] + columns[^1]) / 2.0);
    }

    [Theory]
    [InlineData(ReadoutKind.Gaussian)]
    [InlineData(ReadoutKind.Dense)]
    public void ADeepPaddedCore_RunsOverMovies_AsWindowByWindow_AndRoundTripsThroughACheckpoint(ReadoutKind readout)
    {
        TestTorch.Cpu(seed: 132);
        using var model = new BnCnn(Deep(readout));
        model.eval();
        using var frames = torch.randn(30, 20, 20);
        var movie = model.MovieActivations(frames, ["conv1", "elu3"]);
        using var windows = MovieWindows.Of(frames, 8);
        var each = model.Activations(windows, ["conv1", "elu3"]);
        // The movie path pads the frames and convolves in space-time (FFT); the windows path pads each window.
        Assert.True(movie["conv1"].allclose(each["conv1"], rtol: 1e-4, atol: 1e-4));
        Assert.True(movie["output"].allclose(each["output"], rtol: 1e-4, atol: 1e-4));

        using var dir = new TempDirectory();
        Checkpoint.Save(model, dir.File("m.weights"), new CheckpointInfo(model.Spec, null, [], null, 0, null));
        var (loaded, info) = Checkpoint.Load(dir.File("m.weights"));
        using var _ = loaded;
        Assert.Equal([0, 2, 1], info.Spec.Padding);
        Assert.Equal(CoreNonlinearity.Elu, info.Spec.Nonlinearity);
        Assert.True(loaded.call(windows).allclose(model.call(windows), rtol: 0, atol: 0));
    }

    [Fact]
    public void AStackedDeepCore_CollapsesToTheSameModel()
    {
        TestTorch.Cpu(seed: 133);
        using var stacked = new BnCnn(Deep() with { Kind = ModelKind.Stacked, Kernels = [7, 5, 3] });
        stacked.eval();
        using var collapsed = stacked.Collapse();
        collapsed.eval();
        using var x = torch.randn(3, 8, 20, 20);
        Assert.True(collapsed.call(x).allclose(stacked.call(x), rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void ASharedCore_CanBeDeep()
    {
        TestTorch.Cpu(seed: 134);
        using var model = new SharedCoreModel(SharedCoreModel.SpecFor(Deep(), [new RecordingCells("a", 2), new RecordingCells("b", 1)]));
        Assert.Equal(Deep().Channels.Count * 3 + 1, model.LayerNames.Count);
        Assert.Contains("conv3.weight", model.state_dict().Keys);
        model.eval();
        using var x = torch.randn(2, 8, 20, 20);
        using var all = model.call(x);
        using var b = model.For("b").call(x);
        Assert.True(all.narrow(1, 2, 1).allclose(b, rtol: 0, atol: 1e-6));
    }

    [Theory]
    [InlineData(new[] { 4, 6 }, new[] { 7 }, null, "one kernel per layer")]
    [InlineData(new[] { 4, 6 }, new[] { 7, 5 }, new[] { 0 }, "one kernel and one padding per layer")]
    [InlineData(new[] { 4, 6 }, new[] { 7, 5 }, new[] { 0, -1 }, "padding ≥ 0")]
    [InlineData(new[] { 4, 6 }, new[] { 15, 9 }, null, "layer 2 leaves no map")]
    public void BadCores_AreRefused_NamingWhatIsWrong(int[] channels, int[] kernels, int[]? padding, string expected)
    {
        TestTorch.Cpu(seed: 135);
        var error = Assert.Throws<ArgumentException>(() => new BnCnn(Deep() with { Channels = channels, Kernels = kernels, Padding = padding }));
        Assert.Contains(expected, error.Message);
    }
}
