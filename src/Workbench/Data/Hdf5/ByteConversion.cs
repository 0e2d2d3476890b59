using System.Runtime.Intrinsics;

namespace Workbench.Data.Hdf5;

/// <summary>Stored uint8 intensities to float32, 32 at a time where the CPU has 256-bit vectors.</summary>
/// <remarks>A stimulus movie is hundreds of millions of bytes; the scalar loop was most of the time left in reading one.</remarks>
public static class ByteConversion
{
    /// <summary>Writes <c>destination[i] = source[i]</c> for every i (the spans must have the same length).</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void ToSingle(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"{source.Length} bytes cannot fill {destination.Length} floats.", nameof(destination));
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= source.Length - Vector256<byte>.Count; i += Vector256<byte>.Count)
            {
                var (low, high) = Vector256.Widen(Vector256.Create(source.Slice(i, Vector256<byte>.Count)));
                var (a, b) = Vector256.Widen(low);
                var (c, d) = Vector256.Widen(high);
                Vector256.ConvertToSingle(a).CopyTo(destination.Slice(i));
                Vector256.ConvertToSingle(b).CopyTo(destination.Slice(i + 8));
                Vector256.ConvertToSingle(c).CopyTo(destination.Slice(i + 16));
                Vector256.ConvertToSingle(d).CopyTo(destination.Slice(i + 24));
            }
        }
        for (; i < source.Length; i++) destination[i] = source[i];
    }
}
