using TorchSharp;

namespace Workbench.Simulation;

/// <summary>The filter shapes the synthetic retina is built from, as arrays (time filters oldest tap first).</summary>
public static class Filters
{
    /// <summary>
    /// Biphasic temporal filter over <paramref name="taps"/> bins, oldest first (the last tap weighs the current frame):
    /// a gamma-like positive lobe minus <see cref="BipolarPathway.NegativeLobe"/> times a slower one, unit L2 norm.
    /// </summary>
    public static float[] Temporal(BipolarPathway pathway, int taps, double dt)
    {
        double[] Lobe(double tau)
        {
            var g = Enumerable.Range(0, taps).Select(lag => Math.Pow(lag * dt / tau, 3) * Math.Exp(-lag * dt / tau)).ToArray();
            double sum = g.Sum();
            return g.Select(v => v / sum).ToArray();
        }
        var fast = Lobe(pathway.FastTau);
        var slow = Lobe(pathway.SlowTau);
        var byLag = fast.Zip(slow, (f, s) => f - pathway.NegativeLobe * s).ToArray();
        double norm = Math.Sqrt(byLag.Sum(v => v * v));
        return byLag.Select(v => (float)(v / norm)).Reverse().ToArray();
    }

    /// <summary>Causal exponential smoothing over <paramref name="taps"/> bins, oldest first, unit sum.</summary>
    public static float[] Exponential(double tau, int taps, double dt)
    {
        var byLag = Enumerable.Range(0, taps).Select(lag => Math.Exp(-lag * dt / tau)).ToArray();
        double sum = byLag.Sum();
        return byLag.Select(v => (float)(v / sum)).Reverse().ToArray();
    }

    /// <summary>A normalised 2-D Gaussian on a (2·radius+1)² grid.</summary>
    public static torch.Tensor Gaussian(double sigma, int radius)
    {
        var r = torch.arange(-radius, radius + 1, dtype: torch.float64);
        var g = torch.exp(-(r.view(-1, 1).square() + r.view(1, -1).square()) / (2 * sigma * sigma));
        return (g / g.sum()).to(torch.float32);
    }

    /// <summary>Centre minus weighted surround, each a unit-sum Gaussian.</summary>
    public static torch.Tensor DifferenceOfGaussians(double centre, double surround, double surroundWeight, int radius) =>
        Gaussian(centre, radius) - surroundWeight * Gaussian(surround, radius);

    /// <summary>Radius of a kernel that holds a Gaussian of <paramref name="sigma"/> out to three sigmas.</summary>
    public static int RadiusFor(double sigma) => Math.Max(1, (int)Math.Ceiling(3 * sigma));
}
