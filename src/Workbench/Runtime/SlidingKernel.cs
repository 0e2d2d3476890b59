using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Runtime;

/// <summary>
/// The space-time spectrum of a kernel <c>(O, D, K, K')</c> for <see cref="FftConvolution.Sliding(Tensor, SlidingKernel, Tensor?)"/>,
/// computed once and reused for every chunk of a movie and every later call with the same weights.
/// </summary>
/// <remarks>
/// Transforming the zero-padded kernel costs as much as the rest of a chunk's convolution put together (measured: 47 of
/// 55 ms for 128 windows of 50×50 frames), and it does not change while a model is probed. The kernel keeps a copy of
/// the weights it was made from, so <see cref="Matches"/> can tell when the weights have changed (a trained or reloaded
/// model) without trusting the caller to say so.
/// </remarks>
public sealed class SlidingKernel : IDisposable
{
    /// <summary>Transforms <paramref name="weight"/> for chunks of <paramref name="length"/> frames of <paramref name="height"/>×<paramref name="width"/>.</summary>
    /// <exception cref="ArgumentException">The kernel is not 4-D or does not fit the chunk.</exception>
    public SlidingKernel(Tensor weight, long length, long height, long width)
    {
        if (weight.dim() != 4)
            throw new ArgumentException($"A sliding kernel is (O, D, K, K'); got [{string.Join(", ", weight.shape)}].", nameof(weight));
        if (weight.shape[1] > length || weight.shape[2] > height || weight.shape[3] > width)
            throw new ArgumentException($"A kernel [{string.Join(", ", weight.shape)}] does not fit chunks of {length} frames of {height}x{width}.", nameof(weight));
        (Length, Height, Width) = (length, height, width);
        // Owned by this object (disposed with it), not by any dispose scope of the caller's.
        using var scope = torch.NewDisposeScope();
        Weight = weight.detach().clone().DetachFromDisposeScope();
        Spectrum = FftConvolution.KernelSpectrum(Weight, length, height, width).DetachFromDisposeScope();
    }

    /// <summary>The weights the spectrum was made from (a copy).</summary>
    public Tensor Weight { get; }

    /// <summary>The conjugated spectrum, <c>(O, L, H, W/2 + 1)</c>.</summary>
    public Tensor Spectrum { get; }

    /// <summary>Frames per chunk (the transform length along time).</summary>
    public long Length { get; }

    /// <summary>Frame height.</summary>
    public long Height { get; }

    /// <summary>Frame width.</summary>
    public long Width { get; }

    /// <summary>Whether this spectrum belongs to <paramref name="weight"/> (same values, dtype and device) and the given chunk shape.</summary>
    public bool Matches(Tensor weight, long length, long height, long width) =>
        Length == length && Height == height && Width == width
        && weight.dtype == Weight.dtype && weight.device == Weight.device && weight.shape.SequenceEqual(Weight.shape)
        && weight.detach().equal(Weight).item<bool>();

    /// <inheritdoc/>
    public void Dispose()
    {
        Weight.Dispose();
        Spectrum.Dispose();
    }
}
