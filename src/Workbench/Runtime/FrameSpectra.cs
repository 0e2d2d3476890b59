using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Runtime;

/// <summary>
/// The 2-D spectra of every frame of a movie, computed once and laid out frequency-major, so that a batch of history
/// windows reaches <see cref="FftConvolution.Conv2dOfSpectra"/> by one gather: no transform and no transpose per batch.
/// </summary>
/// <remarks>
/// <para>Why: a first layer whose input channels are a window's frames (the BN-CNN's, D = History) transforms each frame
/// of every window of every batch, and then transposes the spectra to frequency-major order for the channel sum. Over a
/// training run every frame is in D windows, so it was transformed D times. Measured on the tiny preset's first layer
/// (32×32, batch 256, 2 threads, AMD EPYC Zen 4): gathering the windows and the forward and weight-gradient passes
/// took 63–78 ms a batch from pixels, 40–53 ms from these spectra.</para>
/// <para>Memory: (H + 2p)·((W + 2p)/2 + 1)·2 floats a frame, about what the frames themselves take (1.06x at 32×32,
/// 1.04x at 50×50). Movies whose spectra pass 256 MiB are transformed in chunks of frames, so making them needs little
/// more than the spectra themselves.</para>
/// </remarks>
public sealed class FrameSpectra : IDisposable
{
    /// <summary>Transforms every frame of <paramref name="frames"/> <c>(T, H, W)</c>, zero-padded by
    /// <paramref name="padding"/> on every side first (a padded first layer's input).</summary>
    /// <exception cref="ArgumentException">The frames are not (T, H, W), or the padding is negative.</exception>
    public FrameSpectra(Tensor frames, int padding = 0) : this(frames, padding, ChunkBytes) { }

    /// <summary>As the public constructor, transforming at most <paramref name="chunkBytes"/> of spectra at a time (tests
    /// reach the chunked path with small movies).</summary>
    internal FrameSpectra(Tensor frames, int padding, long chunkBytes)
    {
        if (frames.dim() != 3)
            throw new ArgumentException($"Frame spectra take frames (T, H, W); got [{string.Join(", ", frames.shape)}].", nameof(frames));
        if (padding < 0) throw new ArgumentException($"Padding must be ≥ 0; got {padding}.", nameof(padding));
        (Frames, Height, Width) = (frames.shape[0], frames.shape[1] + 2 * padding, frames.shape[2] + 2 * padding);
        // (T, H·(W/2 + 1)·2) → (H·(W/2 + 1)·2, T): each frequency's values over time contiguous, so a window's D frames
        // are one run of D values in every row.
        long perChunk = Math.Max(1, chunkBytes / BytesFor(1, Height, Width));
        if (perChunk >= Frames)
        {
            using var scope = torch.NewDisposeScope();
            Spectra = Transform(frames, padding).t().contiguous().DetachFromDisposeScope();
            return;
        }
        // A long movie in chunks of frames: the transform's temporaries stay small beside the spectra themselves
        // (transforming it whole would hold three copies at once).
        Spectra = torch.empty(Frequencies * 2, Frames, dtype: frames.dtype, device: frames.device).DetachFromDisposeScope();
        for (long first = 0; first < Frames; first += perChunk)
        {
            using var scope = torch.NewDisposeScope();
            long count = Math.Min(perChunk, Frames - first);
            Spectra.narrow(1, first, count).copy_(Transform(frames.narrow(0, first, count), padding).t());
        }
    }

    /// <summary>The spectra of <paramref name="frames"/> after zero padding, (T, F·2).</summary>
    private Tensor Transform(Tensor frames, int padding)
    {
        var movie = padding > 0 ? nn.functional.pad(frames, [padding, padding, padding, padding]) : frames;
        return torch.view_as_real(torch.fft.rfft2(movie)).reshape(frames.shape[0], Frequencies * 2);
    }

    /// <summary>Spectra are transformed whole up to this size, and in chunks of frames of at most this size beyond it.</summary>
    private const long ChunkBytes = 256L << 20;

    /// <summary>The spectra, <c>(H·(W/2 + 1)·2, T)</c>: row <c>2f</c> the real parts of frequency f, row <c>2f + 1</c> the
    /// imaginary parts, in <c>rfft2</c>'s order of frequencies.</summary>
    public Tensor Spectra { get; }

    /// <summary>Frames transformed.</summary>
    public long Frames { get; }

    /// <summary>Transformed frame height (padding included).</summary>
    public long Height { get; }

    /// <summary>Transformed frame width (padding included).</summary>
    public long Width { get; }

    /// <summary>Spatial frequencies per frame, H·(W/2 + 1).</summary>
    public long Frequencies => Height * (Width / 2 + 1);

    /// <summary>Bytes the spectra of <paramref name="frames"/> frames of <paramref name="height"/>×<paramref name="width"/>
    /// (padding included) take in float32.</summary>
    public static long BytesFor(long frames, long height, long width) => frames * height * (width / 2 + 1) * 2 * sizeof(float);

    /// <summary>
    /// The spectra of the windows starting at <paramref name="starts"/>, each <paramref name="depth"/> consecutive frames:
    /// <c>(F, 2, B, D)</c>, what <see cref="FftConvolution.Conv2dOfSpectra"/> takes for input <c>(B, D, H, W)</c> made of
    /// those frames.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A window does not lie inside the movie.</exception>
    public Tensor Windows(ReadOnlySpan<long> starts, long depth)
    {
        foreach (long s in starts)
            if (s < 0 || s + depth > Frames)
                throw new ArgumentOutOfRangeException(nameof(starts), s, $"A window of {depth} frames from frame {s} is not inside the movie's {Frames} frames.");
        var windows = torch.empty(Frequencies * 2, starts.Length, depth, dtype: Spectra.dtype, device: Spectra.device);
        // One block copy a window (every row's run of D values): measured faster than index_select with D·B indices, which
        // gathers element by element.
        for (int b = 0; b < starts.Length; b++)
        {
            using var target = windows.select(1, b);
            using var source = Spectra.narrow(1, starts[b], depth);
            target.copy_(source);
        }
        return windows.view(Frequencies, 2, starts.Length, depth);
    }

    /// <inheritdoc/>
    public void Dispose() => Spectra.Dispose();
}
