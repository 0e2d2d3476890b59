using System.Globalization;
using PureHDF;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace Workbench.Data.Hdf5;

/// <summary>
/// An HDF5 file opened for reading, and the one place the workbench calls PureHDF to read: every lookup and read either
/// works or fails with a <see cref="RecordingFormatException"/> naming the file, the path inside it, what was expected
/// and what was found, whatever PureHDF throws on a damaged file (its plain <see cref="Exception"/>, index, cast,
/// overflow and end-of-stream errors, out-of-memory on a bogus size). Reads convert whatever numeric type is stored.
/// </summary>
/// <remarks>
/// A damaged file is contained three ways. PureHDF parses through a <see cref="GuardedFileStream"/>: a read past the end
/// fails at once (instead of returning zeros the parser would take for sizes and addresses), and each operation has a
/// budget of bytes, so a structure that loops ends in an error instead of a hang. Every call into PureHDF runs inside
/// one guard that translates its failures. And sizes read from the file are checked against the file's length before
/// anything is allocated for them (<see cref="RequireReadableSize"/>).
/// </remarks>
public sealed class Hdf5Source : IDisposable
{
    /// <summary>Deepest group nesting <see cref="Entries"/> follows; recordings nest 4 deep, a damaged file can loop.</summary>
    public const int MaxDepth = 32;

    /// <summary>Most children one group may list, and most entries a file may have.</summary>
    public const int MaxEntries = 100_000;

    /// <summary>
    /// How many times its share of the file a chunked dataset may expand to: deflate's limit is 1032:1. PureHDF does not
    /// say which filters a dataset uses, so every chunked dataset gets this bound; contiguous and compact ones must fit
    /// in the file.
    /// </summary>
    public const long MaxChunkedExpansion = 1100;

    private const string ReadableData = "readable HDF5 data";

    private readonly GuardedFileStream _stream;
    private readonly NativeFile _file;
    private int _depth;

    private Hdf5Source(string path, GuardedFileStream stream, NativeFile file)
    {
        Path = path;
        _stream = stream;
        _file = file;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Its length in bytes when opened.</summary>
    public long Length => _stream.FileLength;

    /// <summary>Opens <paramref name="path"/> for reading.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="RecordingFormatException">The file cannot be read, is not HDF5, or is truncated or corrupt.</exception>
    public static Hdf5Source Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file.", path);
        GuardedFileStream stream;
        try
        {
            stream = new GuardedFileStream(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RecordingFormatException(path, "/", "a readable file", $"one the system will not open ({e.Message})", e);
        }
        try
        {
            stream.BeginOperation();
            return new Hdf5Source(path, stream, H5File.Open(stream, leaveOpen: false));
        }
        catch (Exception e)
        {
            stream.Dispose();
            var (what, detail) = Explain(e);
            throw new RecordingFormatException(path, "/", "an HDF5 file",
                $"a file HDF5 cannot open ({what}); it may be truncated or not HDF5{(detail is null ? "" : $": {detail}")}", e);
        }
    }

    /// <summary>Whether a group or dataset exists at <paramref name="path"/> (every segment is checked, so a missing parent is no error).</summary>
    /// <exception cref="RecordingFormatException">The file is damaged on the way there.</exception>
    public bool Exists(string path) => Guard(path, ReadableData, () => Find(path) is not null);

    /// <summary>The dataset at <paramref name="path"/>, its header read and checked.</summary>
    /// <param name="path">Its path inside the file.</param>
    /// <param name="meaning">What it should hold, for the error message.</param>
    /// <exception cref="RecordingFormatException">It is missing, is a group, or its header is damaged.</exception>
    public Hdf5Dataset Dataset(string path, string meaning)
    {
        var found = Guard(path, ReadableData, () => Find(path));
        return found switch
        {
            null => throw new RecordingFormatException(Path, path, $"a dataset ({meaning})", "nothing at that path"),
            NativeDataset native => Describe(path, native),
            IH5Group => throw new RecordingFormatException(Path, path, $"a dataset ({meaning})", "a group"),
            var other => throw new RecordingFormatException(Path, path, $"a dataset ({meaning})", $"an object of another kind ({other.GetType().Name})"),
        };
    }

    /// <summary>The names of a group's children, or none if it does not exist or is not a group.</summary>
    /// <exception cref="RecordingFormatException">The group's index is damaged.</exception>
    public IReadOnlyList<string> Children(string path) =>
        Guard(path, ReadableData, () => Find(path) is IH5Group group ? Names(group, path) : []);

    /// <summary>Every group and dataset of the file, depth first (at most <see cref="MaxEntries"/>, nested at most <see cref="MaxDepth"/> deep).</summary>
    /// <exception cref="RecordingFormatException">A group's index or a dataset's header is damaged (the path named is the one that failed).</exception>
    public IReadOnlyList<Hdf5Node> Entries()
    {
        var entries = new List<Hdf5Node>();
        Guard("/", ReadableData, () =>
        {
            Walk(_file, "", 1, entries);
            return 0;
        });
        return entries;
    }

    private void Walk(IH5Group group, string prefix, int depth, List<Hdf5Node> entries)
    {
        string here = prefix.Length == 0 ? "/" : prefix;
        if (depth > MaxDepth)
            throw new RecordingFormatException(Path, here, $"groups nested at most {MaxDepth} deep", "deeper nesting; a group may contain itself");
        var children = Guard(here, ReadableData, () => Limited(group.Children(), here).ToList());
        foreach (var child in children)
        {
            if (entries.Count >= MaxEntries)
                throw new RecordingFormatException(Path, here, $"at most {MaxEntries:N0} groups and datasets", "more; the file's index may loop");
            string path = $"{prefix}/{child.Name}";
            switch (child)
            {
                case IH5Group g:
                    entries.Add(new Hdf5Node(path, null));
                    Walk(g, path, depth + 1, entries);
                    break;
                case NativeDataset d:
                    entries.Add(new Hdf5Node(path, Describe(path, d)));
                    break;
            }
        }
    }

    /// <summary>Checks a dataset's rank, naming the dataset and both shapes.</summary>
    /// <exception cref="RecordingFormatException">The rank differs.</exception>
    public long[] RequireRank(Hdf5Dataset dataset, int rank, string meaning)
    {
        if (dataset.Shape.Count != rank)
            throw new RecordingFormatException(Path, dataset.Path, $"{meaning} of rank {rank}", $"shape {ShapeText(dataset.Shape)}");
        return dataset.Shape.ToArray();
    }

    /// <summary>
    /// Checks that a dataset's size could be stored in this file before anything is allocated for it: a damaged header
    /// can claim any shape. Contiguous and compact data must fit in the file; chunked data may be at most
    /// <see cref="MaxChunkedExpansion"/> times the file.
    /// </summary>
    /// <exception cref="RecordingFormatException">It could not (the file is too small for it: truncated, or the header is damaged).</exception>
    public void RequireReadableSize(Hdf5Dataset dataset)
    {
        bool stored = dataset.Layout is "contiguous" or "compact";
        long limit = stored ? Length : MaxChunkedExpansion * Math.Max(Length, 1);
        long bytes = dataset.Elements <= long.MaxValue / Math.Max(dataset.ElementSize, 1) ? dataset.Elements * dataset.ElementSize : long.MaxValue;
        if (bytes <= limit && dataset.Elements <= Array.MaxLength) return;
        string size = bytes == long.MaxValue ? "more than 2^63 bytes" : string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} bytes");
        string room = stored
            ? string.Create(CultureInfo.InvariantCulture, $"the whole file has {Length:N0}")
            : string.Create(CultureInfo.InvariantCulture, $"even compressed {MaxChunkedExpansion}-fold the {Length:N0}-byte file holds at most {limit:N0}");
        throw Damaged(dataset.Path, ReadableData,
            DamagedFileException.TooLarge($"{ShapeText(dataset.Shape)} of {dataset.TypeName} stored {dataset.Layout} is {size}, and {room}"));
    }

    /// <summary>Reads a whole numeric dataset as float64, converting from the stored type.</summary>
    /// <exception cref="RecordingFormatException">The stored type is not numeric, its size is implausible, or the data cannot be read.</exception>
    public double[] ReadDoubles(Hdf5Dataset dataset)
    {
        RequireReadableSize(dataset);
        var native = dataset.Native;
        return Guard(dataset.Path, ReadableData, () => (dataset.IsFloatingPoint, dataset.IsInteger, dataset.ElementSize, dataset.IsSigned) switch
        {
            (true, _, 8, _) => native.Read<double[]>(),
            (true, _, 4, _) => Array.ConvertAll(native.Read<float[]>(), v => (double)v),
            (_, true, 1, false) => Array.ConvertAll(native.Read<byte[]>(), v => (double)v),
            (_, true, 1, true) => Array.ConvertAll(native.Read<sbyte[]>(), v => (double)v),
            (_, true, 2, false) => Array.ConvertAll(native.Read<ushort[]>(), v => (double)v),
            (_, true, 2, true) => Array.ConvertAll(native.Read<short[]>(), v => (double)v),
            (_, true, 4, false) => Array.ConvertAll(native.Read<uint[]>(), v => (double)v),
            (_, true, 4, true) => Array.ConvertAll(native.Read<int[]>(), v => (double)v),
            (_, true, 8, false) => Array.ConvertAll(native.Read<ulong[]>(), v => (double)v),
            (_, true, 8, true) => Array.ConvertAll(native.Read<long[]>(), v => (double)v),
            _ => throw new RecordingFormatException(Path, dataset.Path, "numeric data", $"stored type {dataset.TypeName}"),
        });
    }

    /// <summary>Reads a whole dataset of strings.</summary>
    /// <exception cref="RecordingFormatException">It does not hold strings, its size is implausible, or it cannot be read.</exception>
    public string[] ReadStrings(Hdf5Dataset dataset)
    {
        if (dataset.TypeName != "string") throw new RecordingFormatException(Path, dataset.Path, "strings", $"stored type {dataset.TypeName}");
        RequireReadableSize(dataset);
        return Guard(dataset.Path, ReadableData, () => dataset.Native.Read<string[]>());
    }

    /// <summary>Reads a whole uint8 dataset in one call (see <see cref="Hdf5Dataset.IsContiguousBytes"/>).</summary>
    /// <exception cref="RecordingFormatException">It is not uint8, its size is implausible, or the data cannot be read (truncated or corrupt file).</exception>
    public byte[] ReadAllBytes(Hdf5Dataset dataset)
    {
        if (!(dataset.IsInteger && !dataset.IsSigned && dataset.ElementSize == 1))
            throw new RecordingFormatException(Path, dataset.Path, "uint8 data", $"stored type {dataset.TypeName}");
        RequireReadableSize(dataset);
        return Guard(dataset.Path, ReadableData, () => dataset.Native.Read<byte[]>());
    }

    /// <summary>
    /// Reads frames <c>[start, start + count)</c> of a rank-3 dataset into <paramref name="destination"/> as float32,
    /// converting from the stored type through <paramref name="scratch"/> (reused between calls to avoid allocations).
    /// </summary>
    /// <exception cref="RecordingFormatException">The stored type is not one of uint8, uint16, int16, float32, float64, or the frames cannot be read.</exception>
    public void ReadFrames(Hdf5Dataset dataset, long start, long count, Span<float> destination, ref Array? scratch)
    {
        var shape = RequireRank(dataset, 3, "frames (T, H, W)");
        long frame = shape[1] * shape[2];
        if (start < 0 || count < 0 || start + count > shape[0] || destination.Length != count * frame)
            throw new ArgumentException($"Frames {start}..{start + count} of {shape[0]} do not match a destination of {destination.Length} values.", nameof(destination));
        var selection = new HyperslabSelection(rank: 3, starts: [(ulong)start, 0, 0], strides: [1, 1, 1],
            counts: [(ulong)count, (ulong)shape[1], (ulong)shape[2]], blocks: [1, 1, 1]);
        var native = dataset.Native;
        int n = destination.Length;
        Enter();
        try
        {
            // One read per slab (PureHDF reads whole chunks); the guard is around the slab, never per element.
            switch (dataset.IsFloatingPoint, dataset.IsInteger, dataset.ElementSize, dataset.IsSigned)
            {
                case (true, _, 4, _):
                    native.Read(destination, fileSelection: selection);
                    break;
                case (true, _, 8, _):
                    var doubles = Scratch<double>(ref scratch, n);
                    native.Read(doubles.AsSpan(0, n), fileSelection: selection);
                    for (int i = 0; i < n; i++) destination[i] = (float)doubles[i];
                    break;
                case (_, true, 1, false):
                    var bytes = Scratch<byte>(ref scratch, n);
                    native.Read(bytes.AsSpan(0, n), fileSelection: selection);
                    ByteConversion.ToSingle(bytes.AsSpan(0, n), destination);
                    break;
                case (_, true, 2, false):
                    var words = Scratch<ushort>(ref scratch, n);
                    native.Read(words.AsSpan(0, n), fileSelection: selection);
                    for (int i = 0; i < n; i++) destination[i] = words[i];
                    break;
                case (_, true, 2, true):
                    var shorts = Scratch<short>(ref scratch, n);
                    native.Read(shorts.AsSpan(0, n), fileSelection: selection);
                    for (int i = 0; i < n; i++) destination[i] = shorts[i];
                    break;
                default:
                    throw new RecordingFormatException(Path, dataset.Path, "uint8, uint16, int16, float32 or float64 frames", $"stored type {dataset.TypeName}");
            }
        }
        catch (Exception e) when (e is not RecordingFormatException)
        {
            throw Damaged(dataset.Path, $"readable frames {start}..{start + count}", e);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>The object at a path, or null when a segment is missing or a parent is not a group.</summary>
    private IH5Object? Find(string path)
    {
        IH5Object current = _file;
        foreach (string part in path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (current is not IH5Group group || !group.LinkExists(part)) return null;
            current = group.Get(part);
        }
        return current;
    }

    private List<string> Names(IH5Group group, string path) => Limited(group.Children(), path).Select(c => c.Name).ToList();

    private IEnumerable<IH5Object> Limited(IEnumerable<IH5Object> children, string path)
    {
        int count = 0;
        foreach (var child in children)
        {
            if (++count > MaxEntries)
                throw new RecordingFormatException(Path, path, $"a group of at most {MaxEntries:N0} children", "more; its index may loop");
            yield return child;
        }
    }

    /// <summary>Reads and checks a dataset's header: shape, type and layout.</summary>
    private Hdf5Dataset Describe(string path, NativeDataset native) => Guard(path, ReadableData, () =>
    {
        var space = native.Space;
        var dims = space.Type == H5DataspaceType.Scalar ? [] : space.Dimensions;
        if (dims.Length > MaxDepth)
            throw new RecordingFormatException(Path, path, $"a dataset of rank at most {MaxDepth}", $"rank {dims.Length}");
        var shape = new long[dims.Length];
        long elements = space.Type == H5DataspaceType.Null ? 0 : 1;
        for (int i = 0; i < dims.Length; i++)
        {
            shape[i] = dims[i] > long.MaxValue ? throw new RecordingFormatException(Path, path, "dimensions below 2^63", $"dimension {i} of {dims[i]}") : (long)dims[i];
            elements = elements == 0 || shape[i] <= long.MaxValue / elements ? elements * shape[i] : long.MaxValue;
        }
        var type = native.Type;
        bool floating = type.Class == H5DataTypeClass.FloatingPoint, integer = type.Class == H5DataTypeClass.FixedPoint;
        bool signed = integer && type.FixedPoint.IsSigned;
        string typeName = type.Class switch
        {
            H5DataTypeClass.FixedPoint => $"{(signed ? "int" : "uint")}{(long)type.Size * 8}",
            H5DataTypeClass.FloatingPoint => $"float{(long)type.Size * 8}",
            H5DataTypeClass.String or H5DataTypeClass.VariableLength => "string",
            var other => other.ToString().ToLowerInvariant(),
        };
        var layout = native.Layout;
        string layoutName = layout.Class switch
        {
            H5DataLayoutClass.Compact => "compact",
            H5DataLayoutClass.Contiguous => "contiguous",
            H5DataLayoutClass.Chunked => "chunked",
            H5DataLayoutClass.VirtualStorage => "virtual",
            var other => throw new RecordingFormatException(Path, path, "a compact, contiguous, chunked or virtual layout", $"layout class {(int)other}"),
        };
        long[]? chunks = layout.Class == H5DataLayoutClass.Chunked ? layout.Chunks.Select(c => c > long.MaxValue ? long.MaxValue : (long)c).ToArray() : null;
        int size = type.Size > 1 << 20 ? throw new RecordingFormatException(Path, path, "elements of at most 1 MB", $"{type.Size} bytes") : (int)type.Size;
        return new Hdf5Dataset(path, native, shape, elements, typeName, size, floating, integer, signed, layoutName, chunks);
    });

    private T Guard<T>(string path, string expected, Func<T> action)
    {
        Enter();
        try
        {
            return action();
        }
        catch (Exception e) when (e is not RecordingFormatException)
        {
            throw Damaged(path, expected, e);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Enters a guarded call; the outermost one starts a new read budget.</summary>
    private void Enter()
    {
        if (_depth++ == 0) _stream.BeginOperation();
    }

    private void Exit() => _depth--;

    private RecordingFormatException Damaged(string path, string expected, Exception e)
    {
        var (what, detail) = Explain(e);
        return new RecordingFormatException(Path, path, expected,
            $"an error ({what}); the file may be truncated or corrupt{(detail is null ? "" : $": {detail}")}", e);
    }

    /// <summary>What went wrong, for people: the guarded stream's own finding if it made one, else the chain of messages.</summary>
    private static (string What, string? Detail) Explain(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is DamagedFileException damaged) return (damaged.Message, damaged.Detail);
            if (x is OutOfMemoryException) return ("a size in the file too large to allocate", null);
        }
        var messages = new List<string>();
        for (var x = e; x is not null && messages.Count < 3; x = x.InnerException) messages.Add(x.Message.TrimEnd('.'));
        return (string.Join(": ", messages), null);
    }

    private static string ShapeText(IEnumerable<long> shape) => $"[{string.Join(", ", shape)}]";

    private static T[] Scratch<T>(ref Array? scratch, int n)
    {
        if (scratch is T[] existing && existing.Length >= n) return existing;
        var fresh = new T[n];
        scratch = fresh;
        return fresh;
    }

    /// <inheritdoc/>
    public void Dispose() => _file.Dispose();
}
