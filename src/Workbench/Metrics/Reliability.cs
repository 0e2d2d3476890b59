using TorchSharp;

namespace Workbench.Metrics;

/// <summary>How reproducible a cell's response is across repeated presentations <c>(R, T, N)</c>: the limit any model meets.</summary>
public static class Reliability
{
    /// <summary>
    /// Jackknife oracle correlation: every single trial correlated with the mean of the other R − 1 trials, pooled over
    /// all (time, repeat) samples. Underestimates the noise-free ceiling (the leave-one-out mean is itself noisy).
    /// </summary>
    public static double[] OracleJackknife(torch.Tensor repeats)
    {
        VarianceExplained.CheckRepeats(repeats);
        using var scope = torch.NewDisposeScope();
        var r = repeats.to(torch.float64);
        long count = r.shape[0], n = r.shape[2];
        var others = (r.sum([0], keepdim: true) - r) / (count - 1);
        return Correlation.PerCell(r.reshape(-1, n), others.reshape(-1, n));
    }

    /// <summary>
    /// Split-half reliability with the Spearman–Brown correction: the repeats are split into two halves at random,
    /// each half averaged, the halves correlated over time; the mean over <paramref name="splits"/> random splits is
    /// corrected to the full number of repeats, ρ = k·r / (1 + (k − 1)·r) with k = R / ⌊R/2⌋ (2 for even R; for odd R one
    /// trial sits out of each split). This is the reliability of the R-trial average.
    /// </summary>
    /// <param name="repeats">(R, T, N) responses, R ≥ 2.</param>
    /// <param name="splits">Random splits averaged (exhaustive splits are not needed for a stable mean).</param>
    /// <param name="seed">Fixes the splits.</param>
    public static double[] SplitHalf(torch.Tensor repeats, int splits = 50, int seed = 0)
    {
        VarianceExplained.CheckRepeats(repeats);
        int count = (int)repeats.shape[0], n = (int)repeats.shape[2];
        var rng = new Random(seed);
        var sum = new double[n];
        using var scope = torch.NewDisposeScope();
        var r = repeats.to(torch.float64);
        for (int s = 0; s < splits; s++)
        {
            int[] order = Enumerable.Range(0, count).ToArray();
            rng.Shuffle(order);
            var first = torch.tensor(order[..(count / 2)].Select(i => (long)i).ToArray());
            var second = torch.tensor(order[(count / 2)..(2 * (count / 2))].Select(i => (long)i).ToArray());
            var rs = Correlation.PerCell(r.index_select(0, first).mean([0]), r.index_select(0, second).mean([0]));
            for (int c = 0; c < n; c++) sum[c] += rs[c];
        }
        double factor = (double)count / (count / 2);
        return sum.Select(total => SpearmanBrown(total / splits, factor)).ToArray();
    }

    /// <summary>
    /// The correlation a perfect model (the true rate) is expected to reach with the trial-averaged response:
    /// √ρ, with ρ the split-half reliability of the R-trial average. Model correlations are reported as a fraction of it.
    /// Cells whose reliability is not positive get 0.
    /// </summary>
    public static double[] Ceiling(torch.Tensor repeats, int splits = 50, int seed = 0) =>
        SplitHalf(repeats, splits, seed).Select(rho => rho > 0 ? Math.Sqrt(rho) : 0).ToArray();

    /// <summary>Spearman–Brown prophecy: the reliability of a test <paramref name="factor"/> times as long, 2r/(1+r) for a factor of 2.</summary>
    public static double SpearmanBrown(double r, double factor) => factor * r / (1 + (factor - 1) * r);
}
