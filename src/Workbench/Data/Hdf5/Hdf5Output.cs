using System.Runtime.InteropServices;
using PureHDF;
using PureHDF.Selections;
using TorchSharp;

namespace Workbench.Data.Hdf5;

/// <summary>Writing HDF5 files whole or not at all, with large movies streamed in slabs from their tensors.</summary>
public static class Hdf5Output
{
    private const long SlabFrames = 2048;

    /// <summary>Writes <paramref name="file"/> under a temporary name in the target folder, streams each pending movie
    /// (a deferred <c>H5Dataset&lt;T[]&gt;</c> of uint8, float32 or float64) into it slab by slab, then renames it to <paramref name="path"/>.</summary>
    public static void WriteAtomically(string path, H5File file, IReadOnlyList<(H5Dataset Dataset, torch.Tensor Stimulus)> pending)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var writer = file.BeginWrite(temp))
                foreach (var (dataset, stimulus) in pending) Stream(writer, dataset, stimulus);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static void Stream(H5NativeWriter writer, H5Dataset dataset, torch.Tensor stimulus)
    {
        var source = stimulus.contiguous();
        long frames = source.shape[0], h = source.shape[1], w = source.shape[2];
        for (long start = 0; start < frames; start += SlabFrames)
        {
            long n = Math.Min(SlabFrames, frames - start);
            using var slab = source.narrow(0, start, n);
            var selection = new HyperslabSelection(rank: 3, starts: [(ulong)start, 0, 0], strides: [1, 1, 1], counts: [(ulong)n, (ulong)h, (ulong)w], blocks: [1, 1, 1]);
            switch (dataset)
            {
                case H5Dataset<byte[]> bytes: writer.Write(bytes, slab.bytes.ToArray(), fileSelection: selection); break;
                case H5Dataset<float[]> floats: writer.Write(floats, MemoryMarshal.Cast<byte, float>(slab.bytes).ToArray(), fileSelection: selection); break;
                case H5Dataset<double[]> doubles: writer.Write(doubles, MemoryMarshal.Cast<byte, double>(slab.bytes).ToArray(), fileSelection: selection); break;
                default: throw new InvalidOperationException($"Unexpected deferred dataset {dataset.GetType().Name}.");
            }
        }
        if (!ReferenceEquals(source, stimulus)) source.Dispose();
    }

    /// <summary>A small tensor as an in-memory dataset of its own dtype and shape.</summary>
    public static H5Dataset Dense(torch.Tensor tensor)
    {
        using var t = tensor.detach().cpu().contiguous();
        ulong[] dims = t.shape.Select(d => (ulong)d).ToArray();
        object data = t.dtype switch
        {
            var d when d == torch.float32 => t.data<float>().ToArray(),
            var d when d == torch.float64 => t.data<double>().ToArray(),
            var d when d == torch.uint8 => t.data<byte>().ToArray(),
            var d when d == torch.int32 => t.data<int>().ToArray(),
            var d when d == torch.int64 => t.data<long>().ToArray(),
            var d => throw new ArgumentException($"Cannot store a {d} tensor."),
        };
        return new H5Dataset(data, fileDims: dims);
    }

}
