using PureHDF.VOL.Native;

namespace Workbench.Data.Hdf5;

/// <summary>
/// A dataset of an <see cref="Hdf5Source"/>, its header read and checked once: shape, stored type and layout. Read its
/// values through the source (<see cref="Hdf5Source.ReadDoubles"/>, <see cref="Hdf5Source.ReadFrames"/> …), whose
/// reads turn any failure of a damaged file into a <see cref="RecordingFormatException"/>.
/// </summary>
public sealed class Hdf5Dataset
{
    internal Hdf5Dataset(string path, NativeDataset native, long[] shape, long elements, string typeName, int elementSize,
        bool isFloatingPoint, bool isInteger, bool isSigned, string layout, long[]? chunks)
    {
        Path = path;
        Native = native;
        Shape = shape;
        Elements = elements;
        TypeName = typeName;
        ElementSize = elementSize;
        IsFloatingPoint = isFloatingPoint;
        IsInteger = isInteger;
        IsSigned = isSigned;
        Layout = layout;
        Chunks = chunks;
    }

    /// <summary>Its path inside the file.</summary>
    public string Path { get; }

    /// <summary>Its shape (empty for a scalar).</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>The number of elements (the product of the shape).</summary>
    public long Elements { get; }

    /// <summary>The stored element type, as numpy names it (uint8, int16, float32, string, …).</summary>
    public string TypeName { get; }

    /// <summary>Bytes per stored element.</summary>
    public int ElementSize { get; }

    /// <summary>Whether elements are IEEE floating point.</summary>
    public bool IsFloatingPoint { get; }

    /// <summary>Whether elements are integers.</summary>
    public bool IsInteger { get; }

    /// <summary>Whether integer elements are signed.</summary>
    public bool IsSigned { get; }

    /// <summary>compact, contiguous, chunked or virtual.</summary>
    public string Layout { get; }

    /// <summary>The chunk shape of a chunked dataset, else null.</summary>
    public IReadOnlyList<long>? Chunks { get; }

    /// <summary>Whether it is stored contiguously as unsigned bytes (the usual stimulus movie).</summary>
    public bool IsContiguousBytes => Layout == "contiguous" && IsInteger && !IsSigned && ElementSize == 1;

    internal NativeDataset Native { get; }
}
