using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Analysis;

/// <summary>
/// A parametric LN nonlinearity, <c>f(g) = Scale · softplus(Gain · (g − Threshold)) + Baseline</c>, fitted to binned
/// means (<see cref="Fit"/>). Softplus covers the shapes the retina's units take: rectifying (large gain), exponential-like
/// near threshold, and close to linear over the data (small gain, threshold below the data).
/// </summary>
/// <param name="Scale">Output scale.</param>
/// <param name="Gain">Input gain, > 0.</param>
/// <param name="Threshold">Input offset.</param>
/// <param name="Baseline">Output offset.</param>
/// <param name="WeightedError">The fitted weighted mean squared error, Σ ((f(c) − v)/σ)² / bins: about 1 when the curve is within sampling error of the bins.</param>
public sealed record SoftplusNonlinearity(double Scale, double Gain, double Threshold, double Baseline, double WeightedError)
{
    /// <summary>Evaluates the curve at <paramref name="g"/>.</summary>
    public double Evaluate(double g) => Scale * Softplus(Gain * (g - Threshold)) + Baseline;

    /// <summary>
    /// Fits the curve to bin <paramref name="centres"/> and <paramref name="values"/> weighted by their
    /// <paramref name="errors"/> (standard errors; zeros are raised to the smallest positive one): float64 Adam over
    /// (log Scale, log Gain, and Threshold and Baseline in units of the centres' and values' spreads), from a start read off the bins (baseline at the lowest bin, threshold
    /// where the curve has risen a tenth of its range, gain from the spread of the centres).
    /// </summary>
    /// <exception cref="ArgumentException">The arrays differ in length or hold fewer than 4 bins.</exception>
    public static SoftplusNonlinearity Fit(double[] centres, double[] values, double[] errors, int steps = 1500)
    {
        if (centres.Length != values.Length || centres.Length != errors.Length || centres.Length < 4)
            throw new ArgumentException($"Need at least 4 bins with one centre, value and error each; got {centres.Length}, {values.Length}, {errors.Length}.");
        double floor = errors.Where(e => e > 0 && double.IsFinite(e)).DefaultIfEmpty(1).Min();
        double vMin = values.Min(), vMax = values.Max(), range = Math.Max(vMax - vMin, 1e-12);
        double spread = Math.Max(centres[^1] - centres[0], 1e-12);
        int rise = Array.FindIndex(values, v => v >= vMin + 0.1 * range);
        double threshold0 = centres[Math.Max(rise, 0)], gain0 = 4 / spread;
        double scale0 = range / Math.Max(Softplus(gain0 * (centres[^1] - threshold0)), 1e-6);
        using var scope = torch.NewDisposeScope();
        using var grad = torch.enable_grad();
        var c = torch.tensor(centres, float64);
        var v = torch.tensor(values, float64);
        var w = torch.tensor(errors.Select(e => e > 0 && double.IsFinite(e) ? e : floor).ToArray(), float64);
        var logScale = nn.Parameter(torch.tensor(Math.Log(scale0), float64));
        var logGain = nn.Parameter(torch.tensor(Math.Log(gain0), float64));
        // Threshold and baseline in units of the data's spreads, so one learning rate moves every parameter alike.
        var u = nn.Parameter(torch.tensor(0.0, float64));
        var b = nn.Parameter(torch.tensor(0.0, float64));
        var optimiser = torch.optim.Adam([logScale, logGain, u, b], lr: 0.05);
        Tensor Loss() => ((logScale.exp() * nn.functional.softplus(logGain.exp() * (c - threshold0 - spread * u)) + vMin + range * b - v) / w).square().mean();
        for (int i = 0; i < steps; i++)
        {
            using var step = torch.NewDisposeScope();
            optimiser.zero_grad();
            var loss = Loss();
            loss.backward();
            optimiser.step();
        }
        using var noGrad = torch.no_grad();
        return new SoftplusNonlinearity(logScale.exp().item<double>(), logGain.exp().item<double>(), threshold0 + spread * u.item<double>(),
            vMin + range * b.item<double>(), Loss().item<double>());
    }

    private static double Softplus(double z) => z > 30 ? z : z < -30 ? Math.Exp(z) : Math.Log(1 + Math.Exp(z));
}
