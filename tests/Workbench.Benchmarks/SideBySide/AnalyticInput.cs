using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Benchmarks.SideBySide;

/// <summary>
/// The stimulus both sides compute from a formula for the cross-check (so none is shipped between them):
/// x[b, t, i, j] = sin(0.7 b + 0.31 t + 0.13 i + 0.17 j + 0.011 i j), in float64. <c>analytic_input</c> in the peer script
/// is the same formula.
/// </summary>
public static class AnalyticInput
{
    /// <summary>A (batch, history, height, width) float64 tensor.</summary>
    public static Tensor Create(long batch, long history, long height, long width)
    {
        using var scope = torch.NewDisposeScope();
        var b = torch.arange(batch, float64).view(-1, 1, 1, 1);
        var t = torch.arange(history, float64).view(1, -1, 1, 1);
        var i = torch.arange(height, float64).view(1, 1, -1, 1);
        var j = torch.arange(width, float64).view(1, 1, 1, -1);
        return torch.sin(0.7 * b + 0.31 * t + 0.13 * i + 0.17 * j + 0.011 * i * j).MoveToOuterDisposeScope();
    }
}
