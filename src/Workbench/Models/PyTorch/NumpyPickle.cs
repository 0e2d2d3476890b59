using System.Buffers.Binary;
using System.Collections;
using Razorvine.Pickle;

namespace Workbench.Models.PyTorch;

/// <summary>
/// Teaches the pickle reader (Razorvine.Pickle, which TorchSharp.PyBridge uses) the numpy objects torch-deep-retina
/// checkpoints hold next to their tensors: scalars such as <c>np.float32(0.5)</c> (normalisation statistics) become
/// <see cref="double"/>, <see cref="long"/> or <see cref="bool"/>, and arrays (<c>y_stats</c>) become <see cref="NumpyArray"/>.
/// </summary>
/// <remarks>
/// Without this the reader stops at the first numpy object ("expected zero arguments for construction of ClassDict (for
/// numpy.dtype)"). Registration is global to the reader and idempotent. Both numpy 1's <c>numpy.core</c> and numpy 2's
/// <c>numpy._core</c> module names are registered.
/// </remarks>
internal static class NumpyPickle
{
    private static readonly object Gate = new();
    private static bool registered;

    /// <summary>Registers the constructors once per process.</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (registered) return;
            Unpickler.registerConstructor("numpy", "dtype", new DtypeConstructor());
            foreach (string module in new[] { "numpy.core.multiarray", "numpy._core.multiarray" })
            {
                Unpickler.registerConstructor(module, "scalar", new ScalarConstructor());
                Unpickler.registerConstructor(module, "_reconstruct", new ArrayConstructor());
            }
            registered = true;
        }
    }

    /// <summary>A numpy dtype: its kind and size from the descriptor ('f4', 'i8', 'b1', ...), its byte order from the state.</summary>
    public sealed class NumpyDtype
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

    /// <summary>A numpy array, as its shape and its elements in C order (doubles, longs or bools).</summary>
    public sealed class NumpyArray
    {
        /// <summary>Shape.</summary>
        public long[] Shape { get; private set; } = [];

        /// <summary>Elements in C order.</summary>
        public object[] Values { get; private set; } = [];

        /// <summary>Called by the pickle reader with numpy's array state (version, shape, dtype, Fortran order, data).</summary>
        public void __setstate__(object[] state)
        {
            if (state.Length < 5 || state[1] is not object[] shape || state[2] is not NumpyDtype dtype)
                throw new NotSupportedException("A numpy array in the pickle has a state this reader does not know.");
            Shape = shape.Select(Convert.ToInt64).ToArray();
            long count = Shape.Aggregate(1L, (a, b) => a * b);
            if (state[4] is not byte[] data)
                throw new NotSupportedException("A numpy array of Python objects cannot be read (only numbers and booleans).");
            if (data.LongLength != count * dtype.Size)
                throw new InvalidDataException($"A numpy array of shape [{string.Join(", ", Shape)}] holds {data.Length} bytes, not {count * dtype.Size}.");
            var values = new object[count];
            for (int i = 0; i < count; i++) values[i] = dtype.Read(data, i);
            if (state[3] is true && Shape.Length > 1) values = FortranToC(values, Shape);
            Values = values;
        }

        private static object[] FortranToC(object[] values, long[] shape)
        {
            var result = new object[values.Length];
            var index = new long[shape.Length];
            for (int c = 0; c < values.Length; c++)
            {
                long f = 0, stride = 1;
                for (int d = 0; d < shape.Length; d++) { f += index[d] * stride; stride *= shape[d]; }
                result[c] = values[f];
                for (int d = shape.Length - 1; d >= 0 && ++index[d] == shape[d]; d--) index[d] = 0;
            }
            return result;
        }
    }

    private sealed class DtypeConstructor : IObjectConstructor
    {
        public object construct(object[] args) => new NumpyDtype(args.Length > 0 && args[0] is string s ? s : throw new NotSupportedException("numpy.dtype without a descriptor."));
    }

    private sealed class ScalarConstructor : IObjectConstructor
    {
        public object construct(object[] args)
        {
            if (args.Length != 2 || args[0] is not NumpyDtype dtype) throw new NotSupportedException("A numpy scalar in the pickle has arguments this reader does not know.");
            byte[] bytes = args[1] switch
            {
                byte[] b => b,
                string s => s.Select(ch => (byte)ch).ToArray(), // protocol 2 writes bytes as latin-1 text
                _ => throw new NotSupportedException("A numpy scalar of Python objects cannot be read."),
            };
            return dtype.Read(bytes, 0);
        }
    }

    private sealed class ArrayConstructor : IObjectConstructor
    {
        public object construct(object[] args) => new NumpyArray();
    }

    /// <summary>Turns an array into a list (nested for more than one dimension), as Python's <c>tolist()</c> would.</summary>
    public static object ToList(NumpyArray array)
    {
        if (array.Shape.Length == 0) return array.Values[0];
        int offset = 0;
        return Build(0);

        IList Build(int dim)
        {
            var list = new List<object?>();
            for (long i = 0; i < array.Shape[dim]; i++)
                list.Add(dim == array.Shape.Length - 1 ? array.Values[offset++] : Build(dim + 1));
            return list;
        }
    }
}
