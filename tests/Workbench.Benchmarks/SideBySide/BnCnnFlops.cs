using Workbench.Models;

namespace Workbench.Benchmarks.SideBySide;

/// <summary>
/// Nominal arithmetic of the BN-CNN per sample, counted as direct (im2col) products: 2 FLOP per multiply-add, batch
/// norms, noise, ReLU and softplus left out (under 0.1 % of the total). These are the FLOPs of the work, not of the
/// algorithm: an FFT convolution does fewer, so its "fraction of the GEMM ceiling" can exceed what a GEMM could reach.
/// </summary>
/// <param name="Conv1">First convolution, forward: 2 · history · K1² · C1 · H1 · W1.</param>
/// <param name="Conv2">Second convolution, forward: 2 · C1 · K2² · C2 · H2 · W2.</param>
/// <param name="Readout">Dense readout, forward: 2 · C2 · H2 · W2 · cells.</param>
public sealed record BnCnnFlops(double Conv1, double Conv2, double Readout)
{
    /// <summary>Forward pass (inference).</summary>
    public double Forward => Conv1 + Conv2 + Readout;

    /// <summary>
    /// One training sample: the forward pass plus the backward pass, which costs each layer's forward again for the weight
    /// gradient, and again for the input gradient of every layer but the first (no gradient with respect to the stimulus):
    /// 2 · conv1 + 3 · conv2 + 3 · readout.
    /// </summary>
    public double Training => 2 * Conv1 + 3 * Conv2 + 3 * Readout;

    /// <summary>The counts for <paramref name="spec"/> (a BN-CNN with a dense readout).</summary>
    /// <exception cref="ArgumentException">The spec is not a two-layer BN-CNN with a dense readout.</exception>
    public static BnCnnFlops For(ModelSpec spec)
    {
        if (spec.Kind != ModelKind.BnCnn || spec.Channels.Count != 2 || spec.Kernels.Count != 2 || spec.Readout != ReadoutKind.Dense)
            throw new ArgumentException("FLOPs are counted for the two-layer BN-CNN with a dense readout.", nameof(spec));
        int k1 = spec.Kernels[0], k2 = spec.Kernels[1], c1 = spec.Channels[0], c2 = spec.Channels[1];
        double h1 = spec.Height - k1 + 1, w1 = spec.Width - k1 + 1, h2 = h1 - k2 + 1, w2 = w1 - k2 + 1;
        return new BnCnnFlops(
            2.0 * spec.History * k1 * k1 * c1 * h1 * w1,
            2.0 * c1 * k2 * k2 * c2 * h2 * w2,
            2.0 * c2 * h2 * w2 * spec.Cells);
    }
}
