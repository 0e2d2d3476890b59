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

    /// <summary>
    /// The same movie as <see cref="Movie"/> (same draws from <paramref name="generator"/>), encoded to stored uint8
    /// intensities (<see cref="StimulusEncoding.ToStored"/>) segment by segment, so the float movie and its
    /// temporaries never exist whole: a paper-length (50-minute, 50x50) movie is 1.2 GB as float32 and its
    /// drawing took several such copies at once.
    /// </summary>
    /// <param name="spec">How to draw.</param>
    /// <param name="frames">Frames (10 ms bins).</param>
    /// <param name="height">Checkers per column.</param>
    /// <param name="width">Checkers per row.</param>
    /// <param name="generator">The random source, advanced as by <see cref="Movie"/>.</param>
    /// <param name="segmentFrames">Distinct frames drawn per segment (memory per segment is about 20 bytes per checker and frame).</param>
    public static torch.Tensor StoredMovie(WhiteNoiseSpec spec, long frames, int height, int width, torch.Generator generator, long segmentFrames = 10_000)
    {
        if (segmentFrames < 1) throw new ArgumentException($"segmentFrames must be at least 1, got {segmentFrames}.", nameof(segmentFrames));
        if (spec.HoldFrames < 1) throw new ArgumentException($"HoldFrames must be at least 1, got {spec.HoldFrames}.");
        // libtorch's CPU normal sampler transforms uniforms in blocks of 16 values, so Gaussian segments drawn with a
        // multiple of 16 values continue the whole movie's sequence exactly (uniform draws continue at any size).
        long align = 16 / (long)System.Numerics.BigInteger.GreatestCommonDivisor((long)height * width, 16);
        segmentFrames = (segmentFrames + align - 1) / align * align;
        var stored = torch.empty(new long[] { frames, height, width }, torch.uint8);
        long distinct = (frames + spec.HoldFrames - 1) / spec.HoldFrames;
        for (long first = 0; first < distinct; first += segmentFrames)
        {
            using var scope = torch.NewDisposeScope();
            long count = Math.Min(segmentFrames, distinct - first);
            long start = first * spec.HoldFrames, length = Math.Min(count * spec.HoldFrames, frames - start);
            var segment = Movie(spec, count * spec.HoldFrames, height, width, generator).narrow(0, 0, length);
            stored.narrow(0, start, length).copy_(StimulusEncoding.ToStored(segment));
        }
        return stored;
    }
}
