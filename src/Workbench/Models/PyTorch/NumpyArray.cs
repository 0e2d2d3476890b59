namespace Workbench.Models.PyTorch;

/// <summary>A numpy array, as its shape and its elements in C order (doubles, longs or bools).</summary>
internal sealed class NumpyArray
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

    /// <summary>The array as a list (nested for more than one dimension), as Python's <c>tolist()</c>; a 0-d array is its value.</summary>
    public object ToList()
    {
        if (Shape.Length == 0) return Values[0];
        int offset = 0;
        return Build(0);

        List<object?> Build(int dim)
        {
            var list = new List<object?>();
            for (long i = 0; i < Shape[dim]; i++)
                list.Add(dim == Shape.Length - 1 ? Values[offset++] : Build(dim + 1));
            return list;
        }
    }
}
