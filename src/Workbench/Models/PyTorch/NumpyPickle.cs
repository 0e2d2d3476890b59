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
