using TorchSharp;

namespace Workbench.Metrics;

/// <summary>
/// Fractions of variance, from responses to repeated presentations <c>(R, T, N)</c> (formulas of neuralpredictors'
/// <c>measures</c>; see the reference notes, openretina §2.4).
/// </summary>
public static class VarianceExplained
{
    /// <summary>Guards divisions by a variance that can be zero (a silent cell).</summary>
    public const double Epsilon = 1e-9;

    /// <summary>
    /// FEV: the fraction of the total variance that is not trial-to-trial noise, (total − noise) / total, with total the
    /// variance over all (time, repeat) samples and noise the mean over time of the variance across repeats (both ddof 1).
    /// </summary>
    public static double[] Fev(torch.Tensor repeats)
    {
        using var scope = torch.NewDisposeScope();
        var (total, noise) = Variances(repeats);
        return ((total - noise) / (total + Epsilon)).data<double>().ToArray();
    }

    /// <summary>
    /// FEVe: the fraction of the explainable variance a prediction <c>(T, N)</c> explains,
    /// 1 − (MSE − noise) / (total − noise), with MSE over all (time, repeat) samples. Not clipped: a model worse than
    /// the mean gives a negative value.
    /// </summary>
    public static double[] Feve(torch.Tensor repeats, torch.Tensor predictions)
    {
        CheckRepeats(repeats);
        if (predictions.dim() != 2 || predictions.shape[0] != repeats.shape[1] || predictions.shape[1] != repeats.shape[2])
            throw new ArgumentException($"Predictions must be (T, N) = ({repeats.shape[1]}, {repeats.shape[2]}), got [{string.Join(", ", predictions.shape)}].");
        using var scope = torch.NewDisposeScope();
        var (total, noise) = Variances(repeats);
        var r = repeats.to(torch.float64);
        var mse = (r - predictions.to(torch.float64).unsqueeze(0)).square().mean([0, 1]);
        return (1 - (mse - noise) / (total - noise + Epsilon)).data<double>().ToArray();
    }

    private static (torch.Tensor Total, torch.Tensor Noise) Variances(torch.Tensor repeats)
    {
        CheckRepeats(repeats);
        var r = repeats.to(torch.float64);
        long n = r.shape[2];
        var total = r.reshape(-1, n).var([0], unbiased: true);
        var noise = r.var([0], unbiased: true).mean([0]);
        return (total, noise);
    }

    internal static void CheckRepeats(torch.Tensor repeats)
    {
        if (repeats.dim() != 3 || repeats.shape[0] < 2)
            throw new ArgumentException($"Repeats must be (R, T, N) with at least two repeats, got [{string.Join(", ", repeats.shape)}].");
    }
}
