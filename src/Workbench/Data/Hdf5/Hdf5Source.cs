using PureHDF;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace Workbench.Data.Hdf5;

/// <summary>
/// An HDF5 file opened for reading, with lookups that fail with a <see cref="RecordingFormatException"/> naming the file
/// and the path inside it, and reads that convert whatever numeric type is stored (PureHDF itself does not convert).
/// </summary>
public sealed class Hdf5Source : IDisposable
{
    private readonly NativeFile _file;

    private Hdf5Source(string path, NativeFile file)
    {
        Path = path;
        _file = file;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The root group.</summary>
    public NativeGroup Root => _file;

    /// <summary>Opens <paramref name="path"/> for reading.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="RecordingFormatException">The file is not HDF5, or is truncated or corrupt.</exception>
    public static Hdf5Source Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file.", path);
        try
        {
            return new Hdf5Source(path, H5File.OpenRead(path));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new RecordingFormatException(path, "/", "an HDF5 file", $"a file HDF5 cannot open ({e.Message}); it may be truncated or not HDF5", e);
        }
    }

    /// <summary>Whether a group or dataset exists at <paramref name="path"/> (every segment is checked, so a missing parent is no error).</summary>
    public bool Exists(string path) => Guard(path, () => Walk(path));

    private bool Walk(string path)
    {
        IH5Group group = _file;
        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < parts.Length; i++)
        {
            if (!group.LinkExists(parts[i])) return false;
            if (i == parts.Length - 1) return true;
            if (group.Get(parts[i]) is not IH5Group next) return false;
            group = next;
        }
        return true;
    }

    /// <summary>The dataset at <paramref name="path"/>.</summary>
    /// <exception cref="RecordingFormatException">It is missing or is a group.</exception>
    public NativeDataset Dataset(string path, string meaning)
    {
        if (!Exists(path)) throw new RecordingFormatException(Path, path, $"a dataset ({meaning})", "nothing at that path");
        return Guard(path, () => _file.Get(path)) as NativeDataset
            ?? throw new RecordingFormatException(Path, path, $"a dataset ({meaning})", "a group");
    }

    /// <summary>The group at <paramref name="path"/>.</summary>
    /// <exception cref="RecordingFormatException">It is missing or is a dataset.</exception>
    public NativeGroup Group(string path, string meaning)
    {
        if (!Exists(path)) throw new RecordingFormatException(Path, path, $"a group ({meaning})", "nothing at that path");
        return Guard(path, () => _file.Get(path)) as NativeGroup
            ?? throw new RecordingFormatException(Path, path, $"a group ({meaning})", "a dataset");
    }

    /// <summary>The names of a group's children, or none if it does not exist.</summary>
    public IReadOnlyList<string> Children(string path) =>
        Exists(path) && Guard(path, () => _file.Get(path)) is IH5Group g ? g.Children().Select(c => c.Name).ToList() : [];

    /// <summary>The shape of a dataset.</summary>
    public static long[] Shape(NativeDataset dataset) => dataset.Space.Dimensions.Select(d => (long)d).ToArray();

    /// <summary>The stored element type, as numpy names it (uint8, int16, float32, …).</summary>
    public static string TypeName(IH5DataType type) => type.Class switch
    {
        H5DataTypeClass.FixedPoint => $"{(type.FixedPoint.IsSigned ? "int" : "uint")}{type.Size * 8}",
        H5DataTypeClass.FloatingPoint => $"float{type.Size * 8}",
        H5DataTypeClass.String or H5DataTypeClass.VariableLength => "string",
        var other => other.ToString().ToLowerInvariant(),
    };

    /// <summary>Checks a dataset's rank, naming the dataset and both shapes.</summary>
    public long[] RequireRank(NativeDataset dataset, string path, int rank, string meaning)
    {
        var shape = Shape(dataset);
        if (shape.Length != rank)
            throw new RecordingFormatException(Path, path, $"{meaning} of rank {rank}", $"shape [{string.Join(", ", shape)}]");
        return shape;
    }

    /// <summary>Reads a whole numeric dataset as float64, converting from the stored type.</summary>
    /// <exception cref="RecordingFormatException">The stored type is not numeric, or the data cannot be read.</exception>
    public double[] ReadDoubles(NativeDataset dataset, string path)
    {
        var type = dataset.Type;
        return Guard(path, () => (type.Class, type.Size, type.Class == H5DataTypeClass.FixedPoint && type.FixedPoint.IsSigned) switch
        {
            (H5DataTypeClass.FloatingPoint, 8, _) => dataset.Read<double[]>(),
            (H5DataTypeClass.FloatingPoint, 4, _) => Array.ConvertAll(dataset.Read<float[]>(), v => (double)v),
            (H5DataTypeClass.FixedPoint, 1, false) => Array.ConvertAll(dataset.Read<byte[]>(), v => (double)v),
            (H5DataTypeClass.FixedPoint, 1, true) => Array.ConvertAll(dataset.Read<sbyte[]>(), v => (double)v),
            (H5DataTypeClass.FixedPoint, 2, false) => Array.ConvertAll(dataset.Read<ushort[]>(), v => (double)v),
            (H5DataTypeClass.FixedPoint, 2, true) => Array.ConvertAll(dataset.Read<short[]>(), v => (double)v),
            (H5DataTypeClass.FixedPoint, 4, false) => Array.ConvertAll(dataset.Read<uint[]>(), v => (double)v),
            (H5DataTypeClass.FixedPoint, 4, true) => Array.ConvertAll(dataset.Read<int[]>(), v => (double)v),
            (H5DataTypeClass.FixedPoint, 8, false) => Array.ConvertAll(dataset.Read<ulong[]>(), v => (double)v),
            (H5DataTypeClass.FixedPoint, 8, true) => Array.ConvertAll(dataset.Read<long[]>(), v => (double)v),
            _ => throw new RecordingFormatException(Path, path, "numeric data", $"stored type {TypeName(type)}"),
        });
    }

    /// <summary>
    /// Reads frames <c>[start, start + count)</c> of a rank-3 dataset into <paramref name="destination"/> as float32,
    /// converting from the stored type through <paramref name="scratch"/> (reused between calls to avoid allocations).
    /// </summary>
    public void ReadFrames(NativeDataset dataset, string path, long start, long count, Span<float> destination, ref Array? scratch)
    {
        var shape = Shape(dataset);
        long frame = shape[1] * shape[2];
        if (destination.Length != count * frame) throw new ArgumentException("The destination does not match the slab.", nameof(destination));
        var selection = new HyperslabSelection(rank: 3, starts: [(ulong)start, 0, 0], strides: [1, 1, 1],
            counts: [(ulong)count, (ulong)shape[1], (ulong)shape[2]], blocks: [1, 1, 1]);
        var type = dataset.Type;
        int n = destination.Length;
        try
        {
            switch (type.Class, type.Size, type.Class == H5DataTypeClass.FixedPoint && type.FixedPoint.IsSigned)
            {
                case (H5DataTypeClass.FloatingPoint, 4, _):
                    dataset.Read(destination, fileSelection: selection);
                    break;
                case (H5DataTypeClass.FloatingPoint, 8, _):
                    var doubles = Scratch<double>(ref scratch, n);
                    dataset.Read(doubles.AsSpan(0, n), fileSelection: selection);
                    for (int i = 0; i < n; i++) destination[i] = (float)doubles[i];
                    break;
                case (H5DataTypeClass.FixedPoint, 1, false):
                    var bytes = Scratch<byte>(ref scratch, n);
                    dataset.Read(bytes.AsSpan(0, n), fileSelection: selection);
                    ByteConversion.ToSingle(bytes.AsSpan(0, n), destination);
                    break;
                case (H5DataTypeClass.FixedPoint, 2, false):
                    var words = Scratch<ushort>(ref scratch, n);
                    dataset.Read(words.AsSpan(0, n), fileSelection: selection);
                    for (int i = 0; i < n; i++) destination[i] = words[i];
                    break;
                case (H5DataTypeClass.FixedPoint, 2, true):
                    var shorts = Scratch<short>(ref scratch, n);
                    dataset.Read(shorts.AsSpan(0, n), fileSelection: selection);
                    for (int i = 0; i < n; i++) destination[i] = shorts[i];
                    break;
                default:
                    throw new RecordingFormatException(Path, path, "uint8, uint16, int16, float32 or float64 frames", $"stored type {TypeName(type)}");
            }
        }
        catch (Exception e) when (e is not RecordingFormatException and not OutOfMemoryException)
        {
            throw new RecordingFormatException(Path, path, $"readable frames {start}..{start + count}", $"an error ({e.Message}); the file may be truncated or corrupt", e);
        }
    }

    /// <summary>Whether <paramref name="dataset"/> is stored contiguously as unsigned bytes (the usual stimulus movie).</summary>
    public static bool IsContiguousBytes(NativeDataset dataset) =>
        dataset.Layout.Class == H5DataLayoutClass.Contiguous
        && dataset.Type.Class == H5DataTypeClass.FixedPoint && dataset.Type.Size == 1 && !dataset.Type.FixedPoint.IsSigned;

    /// <summary>Reads a whole uint8 dataset (see <see cref="IsContiguousBytes"/>) in one call.</summary>
    /// <exception cref="RecordingFormatException">The data cannot be read (truncated or corrupt file).</exception>
    public byte[] ReadAllBytes(NativeDataset dataset, string path) => Guard(path, () => dataset.Read<byte[]>());

    private static T[] Scratch<T>(ref Array? scratch, int n)
    {
        if (scratch is T[] existing && existing.Length >= n) return existing;
        var fresh = new T[n];
        scratch = fresh;
        return fresh;
    }

    private T Guard<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not RecordingFormatException and not OutOfMemoryException)
        {
            throw new RecordingFormatException(Path, path, "readable HDF5 data", $"an error ({e.Message}); the file may be truncated or corrupt", e);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _file.Dispose();
}
