using Workbench.Runtime;
using Workbench.Tests.Support;
using static TorchSharp.torch;

namespace Workbench.Tests.Runtime;

/// <summary>
/// Every route of the workbench's convolution computes what float64 computes — forward against direct sums, gradients
/// against libtorch's float64 autograd — for the channel counts that break oneDNN's float32 kernels on some CPUs.
/// </summary>
public class ConvolutionsTests
{
    /// <summary>Relative error accepted for float32 against float64 (float32 rounding over these sums is ~1e-7).</summary>
    private const double Tolerance = 1e-5;

    public static TheoryData<ConvolutionRoute, int, int, int, int, int> Cases()
    {
        var data = new TheoryData<ConvolutionRoute, int, int, int, int, int>();
        foreach (var route in new[] { ConvolutionRoute.ChannelPadded, ConvolutionRoute.OneDnnOff })
        {
            data.Add(route, 3, 40, 8, 15, 20);  // BN-CNN layer 1 channels
            data.Add(route, 2, 8, 8, 11, 16);   // layer 2
            data.Add(route, 1, 3, 2, 4, 9);     // few channels, batch 1
            data.Add(route, 5, 17, 33, 3, 7);   // odd channels both sides
            data.Add(route, 2, 16, 32, 5, 9);   // aligned: the padded route leaves it alone
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Route_MatchesFloat64_ForwardAndBothGradients(ConvolutionRoute route, int batch, int inChannels, int outChannels, int kernel, int size)
    {
        TestTorch.Cpu(seed: 91);
        using var scope = NewDisposeScope();
        // A transposed view as input: routes must not assume contiguous memory.
        var x = randn(batch, inChannels, size, size).transpose(2, 3).requires_grad_(true);
        var w = (randn(outChannels, inChannels, kernel, kernel) / Math.Sqrt(inChannels * kernel * kernel)).requires_grad_(true);
        var b = randn(outChannels).requires_grad_(true);
        var g = randn(batch, outChannels, size - kernel + 1, size - kernel + 1);

        var y = Convolutions.Conv2d(x, w, b, route);
        y.backward([g]);

        Assert.Equal(ScalarType.Float32, y.dtype);
        Assert.True(DirectSums.RelativeError(y, DirectSums.Conv2d(x, w, b)) < Tolerance, "forward");
        var (x64, w64, b64) = (Leaf(x), Leaf(w), Leaf(b));
        nn.functional.conv2d(x64, w64, b64).backward([g.to(float64)]);
        AssertClose(x.grad!, x64.grad!, "input gradient");
        AssertClose(w.grad!, w64.grad!, "weight gradient");
        AssertClose(b.grad!, b64.grad!, "bias gradient");
        AssertClose(Convolutions.ConvTranspose2d(g, w.detach(), route), nn.functional.conv_transpose2d(g.to(float64), w64.detach()), "transposed");
    }

    [Fact]
    public void WithoutInputGradient_OnlyParametersGetGradients_AndNoBiasIsFine()
    {
        TestTorch.Cpu(seed: 92);
        using var scope = NewDisposeScope();
        var x = randn(2, 40, 18, 18);
        var w = (randn(8, 40, 15, 15) / 30).requires_grad_(true);

        var y = Convolutions.Conv2d(x, w);
        y.square().sum().backward();

        Assert.True(x.grad is null || x.grad.IsInvalid);
        var w64 = Leaf(w);
        nn.functional.conv2d(x.to(float64), w64).square().sum().backward();
        AssertClose(w.grad!, w64.grad!, "weight gradient");
    }

    [Fact]
    public void Float64_PassesStraightToLibTorch()
    {
        TestTorch.Cpu(seed: 93);
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 2, 17, 9, 9 }, dtype: float64);
        var w = randn(new long[] { 5, 17, 3, 3 }, dtype: float64);

        Assert.Equal(ConvolutionRoute.Native, Convolutions.RouteFor(x));
        Assert.True(Convolutions.Conv2d(x, w).equal(nn.functional.conv2d(x, w)).all().item<bool>());
    }

    private static Tensor Leaf(Tensor t) => t.detach().to(float64).requires_grad_(true);

    private static void AssertClose(Tensor actual, Tensor expected, string what)
    {
        double error = ((actual.to(float64) - expected).norm() / expected.norm()).item<double>();
        Assert.True(error < Tolerance, $"{what}: relative error {error}");
    }
}
