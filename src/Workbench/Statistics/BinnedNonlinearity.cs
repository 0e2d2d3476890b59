using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Statistics;

/// <summary>
/// The nonlinearity of an LN model as equal-count (quantile) bins of the generator signal: sort each unit's generator
/// values, cut them into bins holding the same number of samples, and take the mean generator value (the bin centre) and
/// the mean response of each bin. Read back by piecewise-linear interpolation between bin centres, flat beyond the outer
/// ones. One home for the reverse-correlation LN model (<c>Models/RevCorLn</c>) and the LN fits of any unit
/// (<c>Analysis/LnFits</c>).
/// </summary>
public static class BinnedNonlinearity
{
    /// <summary>
    /// Equal-count bins of <paramref name="generator"/> <c>(N, K)</c> with the matching <paramref name="responses"/>
    /// <c>(N, K)</c>: bin centres, mean responses and the standard error of each mean (the sample standard deviation over
    /// √count; NaN with one sample a bin), each <c>(N, bins)</c> in the generator's dtype. With K not a multiple of <paramref name="bins"/> the
    /// K mod bins largest generator values are left out, so every bin holds exactly ⌊K / bins⌋ samples.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 2 bins, mismatched shapes, or fewer samples than bins.</exception>
    public static (Tensor Centres, Tensor Means, Tensor StandardErrors) EqualCount(Tensor generator, Tensor responses, int bins)
    {
        if (bins < 2) throw new ArgumentException($"Need at least 2 bins, got {bins}.", nameof(bins));
        if (generator.dim() != 2 || !generator.shape.SequenceEqual(responses.shape))
            throw new ArgumentException($"generator {Shape(generator)} and responses {Shape(responses)} must both be (N, K).");
        long n = generator.shape[0], k = generator.shape[1], per = k / bins;
        if (per < 1) throw new ArgumentException($"{k} samples are too few for {bins} bins.", nameof(bins));
        using var scope = torch.NewDisposeScope();
        var order = generator.argsort(1);
        var g = generator.gather(1, order).narrow(1, 0, per * bins).view(n, bins, per);
        var r = responses.to(generator.dtype).gather(1, order).narrow(1, 0, per * bins).view(n, bins, per);
        var errors = r.std(2) / Math.Sqrt(per);
        return (g.mean([2]).MoveToOuterDisposeScope(), r.mean([2]).MoveToOuterDisposeScope(), errors.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Evaluates the binned nonlinearity at <paramref name="generator"/> <c>(N, B)</c>: linear interpolation between the
    /// bin <paramref name="centres"/> and <paramref name="means"/> <c>(N, bins)</c> of each unit (centres ascending), flat
    /// beyond the outer bins. Returns <c>(N, B)</c>.
    /// </summary>
    public static Tensor Interpolate(Tensor centres, Tensor means, Tensor generator)
    {
        using var scope = torch.NewDisposeScope();
        long bins = centres.shape[1];
        var x = generator.contiguous();
        var upper = torch.searchsorted(centres.contiguous(), x).clamp(1, bins - 1);
        var lower = upper - 1;
        var x0 = centres.gather(1, lower);
        var x1 = centres.gather(1, upper);
        var y0 = means.gather(1, lower);
        var y1 = means.gather(1, upper);
        var weight = ((x - x0) / (x1 - x0 + 1e-12)).clamp(0, 1);
        return (y0 + weight * (y1 - y0)).MoveToOuterDisposeScope();
    }

    private static string Shape(Tensor t) => "(" + string.Join(", ", t.shape) + ")";
}
