using TorchSharp;

namespace Workbench.Metrics;

/// <summary>Pearson correlation per cell along time, as openretina's <c>correlation_numpy</c> computes it.</summary>
public static class Correlation
{
    /// <summary>Added to each standard deviation, so a constant response gives 0 rather than NaN.</summary>
    public const double Epsilon = 1e-8;

    /// <summary>
    /// Per-cell Pearson r between <paramref name="a"/> and <paramref name="b"/>, both <c>(T, N)</c>: z-score each column
    /// with the population standard deviation plus <see cref="Epsilon"/>, then average the products. Computed in float64.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ or are not (T, N) with T ≥ 2.</exception>
    public static double[] PerCell(torch.Tensor a, torch.Tensor b)
    {
        if (a.dim() != 2 || !a.shape.SequenceEqual(b.shape) || a.shape[0] < 2)
            throw new ArgumentException($"Correlation needs two (T, N) tensors of one shape with T >= 2, got [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}].");
        using var scope = torch.NewDisposeScope();
        var x = ZScore(a.to(torch.float64));
        var y = ZScore(b.to(torch.float64));
        return (x * y).mean([0]).cpu().data<double>().ToArray();
    }

    private static torch.Tensor ZScore(torch.Tensor x) =>
        (x - x.mean([0], keepdim: true)) / (x.std([0], unbiased: false, keepdim: true) + Epsilon);
}
