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
    public void Gradients_MatchLibtorchsOwnConvolution(bool inputNeedsGrad, bool bias)
    {
        TestTorch.Cpu(seed: 60);
        using var fast = new FastConv2d(6, 4, 5, bias);
        using var x = torch.randn(3, 6, 14, 12).requires_grad_(inputNeedsGrad);
        using var target = torch.randn(3, 4, 10, 8);
        // Oracle: the same weights through libtorch's conv2d and its autograd.
        using var w = fast.Weight.detach().clone().requires_grad_(true);
        using var b = bias ? fast.Bias!.detach().clone().requires_grad_(true) : null;
        using var x2 = x.detach().clone().requires_grad_(inputNeedsGrad);

        using var y = fast.call(x);
        using var y2 = torch.nn.functional.conv2d(x2, w, b);
        ((y - target).square().sum()).backward();
        ((y2 - target).square().sum()).backward();

        Assert.True(y.allclose(y2, rtol: 0, atol: 0), "forward differs");
        Assert.True(fast.Weight.grad!.allclose(w.grad!, rtol: Tolerance, atol: Tolerance), "weight gradient differs");
        if (bias) Assert.True(fast.Bias!.grad!.allclose(b!.grad!, rtol: Tolerance, atol: Tolerance), "bias gradient differs");
        if (inputNeedsGrad) Assert.True(x.grad!.allclose(x2.grad!, rtol: Tolerance, atol: Tolerance), "input gradient differs");
        else Assert.True(x.grad is null || x.grad.IsInvalid);
    }

    [Fact]
    public void InsideAModel_ItIsAPlainConvolutionInEvalMode()
    {
        TestTorch.Cpu(seed: 61);
        using var fast = new FastConv2d(2, 3, 3);
        using var x = torch.randn(1, 2, 6, 6);
        using var noGrad = torch.no_grad();

        using var y = fast.call(x);

        Assert.True(y.allclose(torch.nn.functional.conv2d(x, fast.Weight, fast.Bias), rtol: 0, atol: 0));
    }
}
