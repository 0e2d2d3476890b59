using TorchSharp;
using Workbench.Data;
using Workbench.Models;
using Workbench.Models.Layers;
using Workbench.Tests.Support;

namespace Workbench.Tests.Models;

public class BnCnnTests
{
    private static long Trainable(torch.nn.Module m) => m.parameters().Where(p => p.requires_grad).Sum(p => p.numel());

    /// <summary>Counts from torch-deep-retina (reference notes §2a–2c), trainable parameters only.</summary>
    [Theory]
    [InlineData(5, 138_367)]
    [InlineData(4, 132_956)]
    [InlineData(17, 203_299)]
    public void BnCnn_HasTheReferenceParameterCount(int cells, long expected)
    {
        using var model = new BnCnn(ModelSpec.BnCnnFor(cells));

        Assert.Equal(expected, Trainable(model));
    }

    [Theory]
    [InlineData(5, 67_834)]
    [InlineData(17, 132_754)]
    public void Stacked_HasTheReferenceParameterCount(int cells, long expected)
    {
        using var model = new BnCnn(ModelSpec.StackedFor(cells));

        Assert.Equal(expected, Trainable(model));
    }

    [Theory]
    [InlineData(5, 14_114)]
    [InlineData(17, 25_754)]
    public void ConvgcConfiguration_HasTheReferenceParameterCount(int cells, long expected)
    {
        var spec = ModelSpec.StackedFor(cells) with
        {
            BatchNorm = BatchNormMode.PerChannel,
            Readout = ReadoutKind.Convolutional,
            CellPositions = Enumerable.Range(0, cells).Select(i => new CellPosition(20 + i % 5, 18 + i % 7)).ToList(),
        };
        using var model = new BnCnn(spec);

        Assert.Equal(expected, Trainable(model));
    }

    [Fact]
    public void Forward_MapsHistoryWindowsToNonNegativeRates_AndExposesNamedLayers()
    {
        TestTorch.Cpu(seed: 1);
        using var model = new BnCnn(ModelSpec.BnCnnFor(5));
        model.eval();
        using var x = torch.randn(3, 40, 50, 50);

        var layers = model.Activations(x);

        Assert.Equal([3L, 5], layers["output"].shape);
        Assert.True(layers["output"].min().item<float>() >= 0);
        Assert.Equal([3L, 8, 36, 36], layers["conv1"].shape);
        Assert.Equal([3L, 8, 26, 26], layers["relu2"].shape);
        Assert.Equal([3L, 5], layers["readout"].shape);
        Assert.True(layers["relu1"].min().item<float>() >= 0);
    }

    /// <summary>Largest relative error of a float32 gradient against the float64 copy's (float32 rounding gives ~1e-6).</summary>
    private const double GradientTolerance = 1e-4;

    /// <summary>
    /// After the runtime's self-check, the models' float32 parameter gradients equal those of a float64 copy with the same
    /// weights (float64 convolutions never run on oneDNN). With libtorch 2.10's own kernels on AMD Zen 5 they were 4–39 % off.
    /// </summary>
    [Theory]
    [InlineData(ModelKind.BnCnn, ReadoutKind.Dense)]
    [InlineData(ModelKind.Stacked, ReadoutKind.Convolutional)]
    public void Float32Gradients_MatchAFloat64Copy(ModelKind kind, ReadoutKind readout)
    {
        TestTorch.Cpu(seed: 4);
        var spec = (kind == ModelKind.BnCnn ? ModelSpec.BnCnnFor(3, 32, 32) : ModelSpec.StackedFor(3, 32, 32)) with
        {
            Readout = readout,
            ReadoutKernel = 3,
            CellPositions = [new(12, 12), new(16, 18), new(20, 14)],
        };
        using var single = new BnCnn(spec);
        using var twin = new BnCnn(spec);
        twin.load_state_dict(single.state_dict());
        twin.to(torch.float64);
        single.eval();
        twin.eval();
        using var x = torch.randn(4, 40, 32, 32);
        using var target = torch.rand(4, 3) * 5;

        Loss(single.call(x), target).backward();
        Loss(twin.call(x.to(torch.float64)), target.to(torch.float64)).backward();

        var expected = twin.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!);
        foreach (var (name, p) in single.named_parameters())
        {
            double error = ((p.grad!.to(torch.float64) - expected[name]).norm() / expected[name].norm()).item<double>();
            Assert.True(error < GradientTolerance, $"{name}: relative error {error}");
        }

        static torch.Tensor Loss(torch.Tensor rate, torch.Tensor count) => (rate - count * (rate + 1e-8).log()).mean();
    }

    [Fact]
    public void WrongInputShape_IsNamed()
    {
        using var model = new BnCnn(ModelSpec.BnCnnFor(5));

        var e = Assert.Throws<ArgumentException>(() => model.call(torch.zeros(2, 40, 32, 32)));

        Assert.Contains("expects input (B, 40, 50, 50), got [2, 40, 32, 32]", e.Message);
    }

    [Fact]
    public void Noise_IsOnlyAddedInTraining()
    {
        TestTorch.Cpu(seed: 2);
        using var model = new BnCnn(ModelSpec.BnCnnFor(2));
        using var x = torch.randn(4, 40, 50, 50);
        model.eval();
        using var a = model.call(x);
        using var b = model.call(x);

        Assert.True(a.allclose(b, rtol: 0, atol: 0));
    }

    [Theory]
    [InlineData(BatchNormMode.PerLocation, ReadoutKind.Dense)]
    [InlineData(BatchNormMode.PerChannel, ReadoutKind.Convolutional)]
    public void CollapsedStackedModel_GivesTheSameOutputs(BatchNormMode bn, ReadoutKind readout)
    {
        TestTorch.Cpu(seed: 3);
        var spec = ModelSpec.StackedFor(3) with
        {
            BatchNorm = bn,
            Readout = readout,
            CellPositions = [new(20, 20), new(25, 30), new(30, 22)],
        };
        using var stacked = new BnCnn(spec);
        // Move the running statistics and the scales away from their initial values, some negative, so |γ| matters.
        stacked.train();
        for (int i = 0; i < 3; i++) stacked.call(torch.randn(8, 40, 50, 50)).Dispose();
        using (torch.no_grad())
            foreach (var (name, p) in stacked.named_parameters())
                if (name.Contains("bn")) p.copy_(torch.randn_like(p));
        stacked.eval();
        using var x = torch.randn(4, 40, 50, 50);

        using var collapsed = stacked.Collapse();
        collapsed.eval();

        Assert.False(collapsed.IsStacked);
        using var expected = stacked.Activations(x)["bn_out"];
        using var actual = collapsed.Activations(x)["bn_out"];
        Assert.True(expected.allclose(actual, rtol: 1e-4, atol: 1e-4), $"max difference {(expected - actual).abs().max().item<float>()}");
    }
}
