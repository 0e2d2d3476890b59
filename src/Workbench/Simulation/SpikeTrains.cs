using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Simulation;

/// <summary>Poisson spikes from rates, and the firing-rate estimates the deep-retina files store.</summary>
public static class SpikeTrains
{
    /// <summary>Spike counts (trials, T, N) drawn independently per bin: Poisson(rate · dt).</summary>
    public static Tensor Poisson(Tensor rates, double framePeriod, int trials, Generator generator)
    {
        if (trials < 1) throw new ArgumentException($"Need at least one trial, got {trials}.", nameof(trials));
        using var scope = torch.NewDisposeScope();
        var mean = (rates.clamp_min(0) * framePeriod).unsqueeze(0).expand(trials, rates.shape[0], rates.shape[1]).contiguous();
        return torch.poisson(mean, generator).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Firing rate in Hz estimated from counts (…, T, N) by a Gaussian of standard deviation <paramref name="sigma"/>
    /// seconds, centred (acausal) and truncated at ±4σ; bins beyond the ends count as empty.
    /// </summary>
    public static Tensor Smooth(Tensor counts, double framePeriod, double sigma)
    {
        using var scope = torch.NewDisposeScope();
        int radius = Math.Max(1, (int)Math.Ceiling(4 * sigma / framePeriod));
        var lags = torch.arange(-radius, radius + 1, dtype: torch.float64) * framePeriod;
        var kernel = torch.exp(-lags.square() / (2 * sigma * sigma));
        kernel = (kernel / kernel.sum()).to(torch.float32).view(1, 1, -1);
        long t = counts.shape[^2], n = counts.shape[^1];
        var series = counts.reshape(-1, t, n).permute(0, 2, 1).reshape(-1, 1, t);
        var smoothed = nn.functional.conv1d(series, kernel, padding: radius) / (float)framePeriod;
        var shape = counts.shape;
        return smoothed.view(-1, n, t).permute(0, 2, 1).reshape(shape).contiguous().MoveToOuterDisposeScope();
    }
}
