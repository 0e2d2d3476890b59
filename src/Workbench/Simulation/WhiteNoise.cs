using System.Text.Json.Serialization;
using TorchSharp;

namespace Workbench.Simulation;

/// <summary>Checkerboard white noise.</summary>
[JsonConverter(typeof(JsonStringEnumConverter))]
public enum WhiteNoiseKind
{
    /// <summary>Each checker ±contrast with equal probability.</summary>
    Binary,
    /// <summary>Each checker Gaussian with standard deviation = contrast.</summary>
    Gaussian,
}

/// <summary>How to draw a white-noise checkerboard.</summary>
/// <param name="Kind">Binary or Gaussian.</param>
/// <param name="Contrast">Amplitude (binary) or standard deviation (Gaussian), contrast units.</param>
/// <param name="HoldFrames">Frames each random frame is shown for (the reference's synthetic noise holds 3).</param>
public sealed record WhiteNoiseSpec(WhiteNoiseKind Kind = WhiteNoiseKind.Binary, double Contrast = 1.0, int HoldFrames = 1);

/// <summary>Draws white-noise movies in contrast units.</summary>
public static class WhiteNoise
{
    /// <summary>A (frames, height, width) movie drawn from <paramref name="generator"/>.</summary>
    public static torch.Tensor Movie(WhiteNoiseSpec spec, long frames, int height, int width, torch.Generator generator)
    {
        if (spec.HoldFrames < 1) throw new ArgumentException($"HoldFrames must be at least 1, got {spec.HoldFrames}.");
        if (!(spec.Contrast > 0)) throw new ArgumentException($"Contrast must be positive, got {spec.Contrast}.");
        long distinct = (frames + spec.HoldFrames - 1) / spec.HoldFrames;
        using var scope = torch.NewDisposeScope();
        var draws = spec.Kind == WhiteNoiseKind.Binary
            ? (torch.rand(new long[] { distinct, height, width }, generator: generator) < 0.5).to(torch.float32) * 2 - 1
            : torch.randn(new long[] { distinct, height, width }, generator: generator);
        var movie = (draws * spec.Contrast).repeat_interleave(spec.HoldFrames, dim: 0).narrow(0, 0, frames);
        return movie.contiguous().MoveToOuterDisposeScope();
    }
}
