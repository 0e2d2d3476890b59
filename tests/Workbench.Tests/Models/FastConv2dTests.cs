using TorchSharp;
using Workbench.Models.Layers;
using Workbench.Tests.Support;

namespace Workbench.Tests.Models;

public class FastConv2dTests
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void Gradients_MatchFloat64(bool inputNeedsGrad, bool bias)
    {
        TestTorch.Cpu(seed: 60);
        using var fast = new FastConv2d(6, 4, 5, bias);
        using var x = torch.randn(3, 6, 14, 12).requires_grad_(inputNeedsGrad);
        using var target = torch.randn(3, 4, 10, 8);
        // Oracle: the same weights in float64 through libtorch's conv2d and its autograd (im2col kernels: oneDNN has no
        // float64 convolution, so this is independent of the float32 kernels under test).
        using var w = fast.Weight.detach().to(torch.float64).requires_grad_(true);
        using var b = bias ? fast.Bias!.detach().to(torch.float64).requires_grad_(true) : null;
        using var x2 = x.detach().to(torch.float64).requires_grad_(inputNeedsGrad);

        using var y = fast.call(x);
        using var y2 = torch.nn.functional.conv2d(x2, w, b);
        ((y - target).square().sum()).backward();
        ((y2 - target.to(torch.float64)).square().sum()).backward();

        Assert.True(y.to(torch.float64).allclose(y2, rtol: Tolerance, atol: Tolerance), "forward differs");
        Assert.True(fast.Weight.grad!.to(torch.float64).allclose(w.grad!, rtol: Tolerance, atol: Tolerance), "weight gradient differs");
        if (bias) Assert.True(fast.Bias!.grad!.to(torch.float64).allclose(b!.grad!, rtol: Tolerance, atol: Tolerance), "bias gradient differs");
        if (inputNeedsGrad) Assert.True(x.grad!.to(torch.float64).allclose(x2.grad!, rtol: Tolerance, atol: Tolerance), "input gradient differs");
        else Assert.True(x.grad is null || x.grad.IsInvalid);
    }

    [Fact]
    public void WithoutGradients_ItIsAPlainConvolution()
    {
        TestTorch.Cpu(seed: 61);
        using var fast = new FastConv2d(2, 3, 3);
        using var x = torch.randn(1, 2, 6, 6);
        using var noGrad = torch.no_grad();

        using var y = fast.call(x);

        Assert.True(DirectSums.RelativeError(y, DirectSums.Conv2d(x, fast.Weight, fast.Bias)) < Tolerance);
    }
}
