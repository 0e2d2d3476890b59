using System.Buffers.Binary;

namespace Workbench.Models.PyTorch;

/// <summary>A numpy dtype: its kind and size from the descriptor ('f4', 'i8', 'b1', ...), its byte order from the state.</summary>
internal sealed class NumpyDtype
{
    /// <summary>Creates it from numpy's descriptor string.</summary>
    public NumpyDtype(string descriptor) => Descriptor = descriptor;

    /// <summary>Kind and size, e.g. f4.</summary>
    public string Descriptor { get; }

    /// <summary>'&lt;' little-endian, '&gt;' big-endian, '|' not applicable.</summary>
    public string ByteOrder { get; private set; } = "<";

    /// <summary>Called by the pickle reader with numpy's dtype state (version, byte order, ...).</summary>
    public void __setstate__(object[] state)
    {
        if (state.Length > 1 && state[1] is string order) ByteOrder = order;
    }

    /// <summary>Bytes per element.</summary>
    public int Size => Descriptor.Length > 1 && int.TryParse(Descriptor.AsSpan(1), out int size) ? size : throw Unsupported();

    /// <summary>Decodes element <paramref name="index"/> of <paramref name="bytes"/>: a double for floats, a long for integers, a bool.</summary>
    public object Read(byte[] bytes, int index)
    {
        var span = bytes.AsSpan(index * Size, Size);
        bool big = ByteOrder == ">";
        return (Descriptor[0], Size) switch
        {
            ('f', 4) => (double)BitConverter.Int32BitsToSingle(big ? BinaryPrimitives.ReadInt32BigEndian(span) : BinaryPrimitives.ReadInt32LittleEndian(span)),
            ('f', 8) => BitConverter.Int64BitsToDouble(big ? BinaryPrimitives.ReadInt64BigEndian(span) : BinaryPrimitives.ReadInt64LittleEndian(span)),
            ('f', 2) => (double)BitConverter.UInt16BitsToHalf(big ? BinaryPrimitives.ReadUInt16BigEndian(span) : BinaryPrimitives.ReadUInt16LittleEndian(span)),
            ('i', 1) => (long)(sbyte)span[0],
            ('i', 2) => (long)(big ? BinaryPrimitives.ReadInt16BigEndian(span) : BinaryPrimitives.ReadInt16LittleEndian(span)),
            ('i', 4) => (long)(big ? BinaryPrimitives.ReadInt32BigEndian(span) : BinaryPrimitives.ReadInt32LittleEndian(span)),
            ('i', 8) => big ? BinaryPrimitives.ReadInt64BigEndian(span) : BinaryPrimitives.ReadInt64LittleEndian(span),
            ('u', 1) => (long)span[0],
            ('u', 2) => (long)(big ? BinaryPrimitives.ReadUInt16BigEndian(span) : BinaryPrimitives.ReadUInt16LittleEndian(span)),
            ('u', 4) => (long)(big ? BinaryPrimitives.ReadUInt32BigEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span)),
            ('b', 1) => span[0] != 0,
            _ => throw Unsupported(),
        };
    }

    private NotSupportedException Unsupported() => new($"numpy dtype '{Descriptor}' is not supported (numbers and booleans are).");
}
