using Workbench.Runtime;
using Workbench.Tests.Support;
using static TorchSharp.torch;

namespace Workbench.Tests.Runtime;

/// <summary>
/// A function run with oneDNN off (how TorchScript models run where libtorch's float32 convolutions are wrong) gives
/// float64's answers in the forward pass and in the backward pass autograd runs later.
/// </summary>
public class WithoutOneDnnTests
{
    private const double Tolerance = 1e-5;

    [Fact]
    public void ForwardAndGradients_OfInputAndParameters_MatchFloat64()
    {
        TestTorch.Cpu(seed: 17);
        using var scope = NewDisposeScope();
        var conv1 = nn.Conv2d(40, 8, 7);
        var conv2 = nn.Conv2d(8, 3, 5);
        Tensor Net(Tensor t) => nn.functional.softplus(conv2.call(nn.functional.relu(conv1.call(t)))).mean([2, 3]);
        var x = randn(3, 40, 20, 20).requires_grad_(true);

        var y = WithoutOneDnn.Call(Net, x, [.. conv1.parameters(), .. conv2.parameters()]);
        Assert.True(OneDnn.Enabled, "the switch is restored after the forward pass");
        y.square().sum().backward();
        Assert.True(OneDnn.Enabled, "and after the backward pass");

        var grads = new[] { x.grad!, conv1.weight!.grad!, conv1.bias!.grad!, conv2.weight!.grad!, conv2.bias!.grad! }.Select(g => g.clone()).ToArray();
        var x64 = x.detach().to(float64).requires_grad_(true);
        conv1.to(float64);
        conv2.to(float64);
        foreach (var p in conv1.parameters().Concat(conv2.parameters())) p.grad = null;
        var y64 = Net(x64);
        y64.square().sum().backward();

        AssertClose(y, y64, "output");
        var expected = new[] { x64.grad!, conv1.weight!.grad!, conv1.bias!.grad!, conv2.weight!.grad!, conv2.bias!.grad! };
        for (int i = 0; i < grads.Length; i++) AssertClose(grads[i], expected[i], $"gradient {i}");
    }

    [Fact]
    public void WithoutGradients_ItIsAPlainCall()
    {
        TestTorch.Cpu(seed: 18);
        using var scope = NewDisposeScope();
        var conv = nn.Conv2d(17, 5, 3);
        var x = randn(2, 17, 9, 9);
        using var noGrad = no_grad();

        var y = WithoutOneDnn.Call(t => conv.call(t), x, conv.parameters());

        Assert.True(DirectSums.RelativeError(y, DirectSums.Conv2d(x, conv.weight!, conv.bias)) < Tolerance);
    }

    private static void AssertClose(Tensor actual, Tensor expected, string what)
    {
        double error = ((actual.to(float64) - expected).norm() / expected.norm()).item<double>();
        Assert.True(error < Tolerance, $"{what}: relative error {error}");
    }
}
