using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Numerics;
using System.Text;
using TorchSharp;

namespace Workbench.Models.PyTorch;

/// <summary>
/// Reads what <c>torch.save</c> writes, in both of PyTorch's formats: the zip format (PyTorch 1.6 and later: an archive
/// with <c>data.pkl</c> and one entry per tensor storage under <c>data/</c>) and the legacy format before it, in which older
/// torch-deep-retina checkpoints were saved (four pickles: magic number, protocol version, system info, the object with
/// its tensors' storages as persistent ids; then the pickled list of storage keys and each storage's raw bytes).
/// </summary>
/// <remarks>
/// A small pickle machine of its own (protocols 2–4, the opcodes <c>torch.save</c> and numpy emit). TorchSharp.PyBridge
/// reads the zip format too, but only state dicts (its OrderedDict keeps tensors only, numpy objects stop it), its pickle
/// library's class registry is process-wide, and in a .NET Interactive host (dotnet-repl) its tensors came from a second
/// copy of TorchSharp loaded beside the notebook's, so they were not <see cref="torch.Tensor"/> to the workbench. This
/// reader creates every tensor with the workbench's own TorchSharp. It rebuilds only what a checkpoint holds: dicts (also
/// OrderedDict), lists, tuples, sets, strings, numbers, booleans, None, bytes, tensors and numpy scalars and arrays; any
/// other class is an error naming it. Dictionary keys become strings, tuples and sets lists, numpy arrays nested lists.
/// </remarks>
internal static class TorchSaveReader
{
    private static readonly BigInteger Magic = BigInteger.Parse("119547037146038801333356", CultureInfo.InvariantCulture);

    /// <summary>Whether the file starts like a legacy PyTorch file (a pickle's PROTO opcode).</summary>
    public static bool Looks(ReadOnlySpan<byte> start) => start.Length >= 2 && start[0] == 0x80 && start[1] is >= 2 and <= 5;

    /// <summary>Reads a zip-format file; tensors are created in the caller's dispose scope.</summary>
    public static object? ReadZip(string path)
    {
        using var archive = ZipFile.OpenRead(path);
        var pickle = archive.Entries.FirstOrDefault(e => e.FullName == "data.pkl" || e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal))
            ?? throw new InvalidDataException($"{path}: a zip file without data.pkl; not a file torch.save wrote.");
        string prefix = pickle.FullName[..^"data.pkl".Length];
        var storages = new Dictionary<string, Storage>(StringComparer.Ordinal);
        object? root;
        using (var reader = new BinaryReader(pickle.Open()))
            root = new Machine(reader, path, storages).Load();
        foreach (var storage in storages.Values)
        {
            var entry = archive.GetEntry($"{prefix}data/{storage.Key}")
                ?? throw new InvalidDataException($"{path}: tensor storage {prefix}data/{storage.Key} is missing from the archive.");
            long bytes = storage.Count * storage.ElementSize;
            if (entry.Length != bytes)
                throw new InvalidDataException($"{path}: tensor storage {entry.FullName} holds {entry.Length} bytes where {bytes} were announced.");
            var data = new byte[bytes];
            using var stream = entry.Open();
            stream.ReadExactly(data);
            storage.Bytes = data;
        }
        return Materialise(root, path);
    }

    /// <summary>Reads a legacy-format file; tensors are created in the caller's dispose scope.</summary>
    public static object? ReadLegacy(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        try
        {
            var storages = new Dictionary<string, Storage>(StringComparer.Ordinal);
            if (new Machine(reader, path, storages).Load() is not BigInteger magic || magic != Magic)
                throw new InvalidDataException($"{path}: starts with a pickle but not with PyTorch's magic number; not a file torch.save wrote.");
            if (new Machine(reader, path, storages).Load() is not long and not BigInteger)
                throw new InvalidDataException($"{path}: no protocol version after PyTorch's magic number.");
            if (new Machine(reader, path, storages).Load() is Dictionary<object, object?> info && info.GetValueOrDefault("little_endian") is false)
                throw new InvalidDataException($"{path}: written on a big-endian machine, which this reader does not take.");
            var root = new Machine(reader, path, storages).Load();
            if (new Machine(reader, path, storages).Load() is not List<object?> keys)
                throw new InvalidDataException($"{path}: the list of tensor storages is missing after the object.");
            foreach (var key in keys.Cast<string>())
            {
                if (!storages.TryGetValue(key, out var storage)) throw new InvalidDataException($"{path}: storage '{key}' is listed but never used.");
                long count = reader.ReadInt64();
                if (count != storage.Count) throw new InvalidDataException($"{path}: storage '{key}' holds {count} elements where {storage.Count} were announced.");
                long bytes = count * storage.ElementSize;
                if (bytes > stream.Length - stream.Position) throw new InvalidDataException($"{path}: storage '{key}' needs {bytes} bytes; the file ends first (truncated?).");
                storage.Bytes = reader.ReadBytes((int)bytes);
            }
            return Materialise(root, path);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: ends in the middle of its data; the file is truncated.", e);
        }
    }

    /// <summary>Replaces tensor placeholders with tensors, dictionary keys with strings, tuples with lists.</summary>
    private static object? Materialise(object? value, string path) => value switch
    {
        PendingTensor t => t.Build(path),
        Dictionary<object, object?> d => d.ToDictionary(kv => kv.Key.ToString() ?? "", kv => Materialise(kv.Value, path), StringComparer.Ordinal),
        List<object?> l => l.Select(v => Materialise(v, path)).ToList(),
        object?[] tuple => tuple.Select(v => Materialise(v, path)).ToList(),
        NumpyArray a => Materialise(a.ToList(), path),
        BigInteger b => (long)b,
        int i => (long)i,
        _ => value,
    };

    private sealed class Storage(string key, torch.ScalarType type, int elementSize, long count)
    {
        public string Key { get; } = key;
        public torch.ScalarType Type { get; } = type;
        public int ElementSize { get; } = elementSize;
        public long Count { get; } = count;
        public byte[]? Bytes { get; set; }
    }

    private sealed record PendingTensor(Storage Storage, long Offset, long[] Shape, long[] Stride)
    {
        public torch.Tensor Build(string path)
        {
            var bytes = Storage.Bytes ?? throw new InvalidDataException($"{path}: storage '{Storage.Key}' is used but its data is missing.");
            using var scope = torch.NewDisposeScope();
            var flat = torch.zeros(Storage.Count, Storage.Type);
            flat.bytes = bytes;
            long last = Offset + Shape.Zip(Stride, (n, s) => (n - 1) * s).Where((_, i) => Shape[i] > 0).Sum();
            if (Shape.Any(n => n == 0)) return torch.zeros(Shape, Storage.Type).MoveToOuterDisposeScope();
            if (Offset < 0 || last >= Storage.Count) throw new InvalidDataException($"{path}: a tensor reaches past the end of its storage '{Storage.Key}'.");
            return flat.as_strided(Shape, Stride, Offset).contiguous().MoveToOuterDisposeScope();
        }
    }

    private sealed record Global(string Module, string Name)
    {
        public override string ToString() => $"{Module}.{Name}";
    }

    /// <summary>One pickle: the stack machine of Python's pickle module, for the opcodes PyTorch and numpy write.</summary>
    private sealed class Machine(BinaryReader reader, string path, Dictionary<string, Storage> storages)
    {
        private static readonly object Mark = new();
        private readonly List<object?> stack = [];
        private readonly Dictionary<long, object?> memo = [];

        public object? Load()
        {
            while (true)
            {
                byte op = reader.ReadByte();
                switch (op)
                {
                    case 0x80: reader.ReadByte(); break; // PROTO
                    case 0x95: reader.ReadInt64(); break; // FRAME
                    case (byte)'.': return Pop(); // STOP
                    case (byte)'(': stack.Add(Mark); break;
                    case (byte)'N': stack.Add(null); break;
                    case 0x88: stack.Add(true); break;
                    case 0x89: stack.Add(false); break;
                    case (byte)'K': stack.Add((long)reader.ReadByte()); break;
                    case (byte)'M': stack.Add((long)reader.ReadUInt16()); break;
                    case (byte)'J': stack.Add((long)reader.ReadInt32()); break;
                    case 0x8A: stack.Add(Long(reader.ReadBytes(reader.ReadByte()))); break; // LONG1
                    case 0x8B: stack.Add(Long(reader.ReadBytes(reader.ReadInt32()))); break; // LONG4
                    case (byte)'G': stack.Add(BinaryPrimitives.ReadDoubleBigEndian(reader.ReadBytes(8))); break;
                    case (byte)'X': stack.Add(Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadInt32()))); break;
                    case 0x8C: stack.Add(Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadByte()))); break;
                    case (byte)'T': stack.Add(Encoding.Latin1.GetString(reader.ReadBytes(reader.ReadInt32()))); break;
                    case (byte)'U': stack.Add(Encoding.Latin1.GetString(reader.ReadBytes(reader.ReadByte()))); break;
                    case (byte)'C': stack.Add(reader.ReadBytes(reader.ReadByte())); break;
                    case (byte)'B': stack.Add(reader.ReadBytes(reader.ReadInt32())); break;
                    case (byte)'}': stack.Add(new Dictionary<object, object?>()); break;
                    case (byte)']': stack.Add(new List<object?>()); break;
                    case (byte)')': stack.Add(Array.Empty<object?>()); break;
                    case (byte)'t': stack.Add(PopToMark().ToArray()); break;
                    case 0x85: stack.Add(new[] { Pop() }); break;
                    case 0x86: { var b = Pop(); var a = Pop(); stack.Add(new[] { a, b }); break; }
                    case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); stack.Add(new[] { a, b, c }); break; }
                    case (byte)'s': { var v = Pop(); var k = Pop(); Dict(Peek())[Key(k)] = v; break; }
                    case (byte)'u':
                    {
                        var items = PopToMark();
                        var d = Dict(Peek());
                        for (int i = 0; i + 1 < items.Count; i += 2) d[Key(items[i])] = items[i + 1];
                        break;
                    }
                    case (byte)'a': { var v = Pop(); List(Peek()).Add(v); break; }
                    case (byte)'e': { var items = PopToMark(); List(Peek()).AddRange(items); break; }
                    case (byte)'q': memo[reader.ReadByte()] = Peek(); break;
                    case (byte)'r': memo[reader.ReadUInt32()] = Peek(); break;
                    case 0x94: memo[memo.Count] = Peek(); break; // MEMOIZE
                    case (byte)'h': stack.Add(Memo(reader.ReadByte())); break;
                    case (byte)'j': stack.Add(Memo(reader.ReadUInt32())); break;
                    case (byte)'c': stack.Add(new Global(Line(), Line())); break;
                    case 0x93: { var name = (string)Pop()!; var module = (string)Pop()!; stack.Add(new Global(module, name)); break; }
                    case (byte)'R': { var args = (object?[])Pop()!; var callable = Pop(); stack.Add(Call(callable, args)); break; }
                    case 0x81: { var args = (object?[])Pop()!; var cls = Pop(); stack.Add(Call(cls, args)); break; } // NEWOBJ
                    case (byte)'b': { var state = Pop(); Build(Peek(), state); break; }
                    case (byte)'Q': stack.Add(Persistent(Pop())); break;
                    default: throw new InvalidDataException($"{path}: pickle opcode 0x{op:x2} is not one PyTorch checkpoints use; this reader does not take it.");
                }
            }
        }

        private object? Pop()
        {
            if (stack.Count == 0) throw new InvalidDataException($"{path}: the pickle's stack underflows; the file is damaged.");
            var v = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            return v;
        }

        private object? Peek() => stack.Count > 0 ? stack[^1] : throw new InvalidDataException($"{path}: the pickle's stack underflows; the file is damaged.");

        private List<object?> PopToMark()
        {
            int mark = stack.LastIndexOf(Mark);
            if (mark < 0) throw new InvalidDataException($"{path}: the pickle has no mark where one is needed; the file is damaged.");
            var items = stack.GetRange(mark + 1, stack.Count - mark - 1);
            stack.RemoveRange(mark, stack.Count - mark);
            return items;
        }

        private object? Memo(long index) => memo.TryGetValue(index, out var v) ? v : throw new InvalidDataException($"{path}: the pickle refers to memo {index}, which it never stored; the file is damaged.");

        private string Line()
        {
            var bytes = new List<byte>();
            for (byte b = reader.ReadByte(); b != (byte)'\n'; b = reader.ReadByte()) bytes.Add(b);
            return Encoding.UTF8.GetString(bytes.ToArray());
        }

        private static object Long(byte[] littleEndian)
        {
            var value = new BigInteger(littleEndian, isUnsigned: false, isBigEndian: false);
            return value >= long.MinValue && value <= long.MaxValue ? (long)value : value;
        }

        private static object Key(object? key) => key switch { null => "None", object?[] t => string.Join(",", t), _ => key };

        private Dictionary<object, object?> Dict(object? o) => o as Dictionary<object, object?> ?? throw new InvalidDataException($"{path}: the pickle sets an item on a {o?.GetType().Name ?? "None"}; the file is damaged.");

        private List<object?> List(object? o) => o as List<object?> ?? throw new InvalidDataException($"{path}: the pickle appends to a {o?.GetType().Name ?? "None"}; the file is damaged.");

        private object? Call(object? callable, object?[] args)
        {
            if (callable is not Global g) throw new InvalidDataException($"{path}: the pickle calls a {callable?.GetType().Name ?? "None"}; the file is damaged.");
            switch (g.ToString())
            {
                case "collections.OrderedDict" or "builtins.dict" or "__builtin__.dict": return new Dictionary<object, object?>();
                case "builtins.list" or "__builtin__.list": return new List<object?>();
                case "builtins.set" or "__builtin__.set" or "builtins.frozenset" or "__builtin__.frozenset": // zero_dict's channel sets
                    return args.Length > 0 && args[0] is List<object?> items ? new List<object?>(items) : new List<object?>();
                case "torch._utils._rebuild_tensor_v2" or "torch._utils._rebuild_tensor":
                    if (args.Length < 4 || args[0] is not Storage storage) throw new InvalidDataException($"{path}: a tensor without its storage; the file is damaged.");
                    return new PendingTensor(storage, System.Convert.ToInt64(args[1], CultureInfo.InvariantCulture), Longs(args[2]), Longs(args[3]));
                case "torch._utils._rebuild_parameter":
                    throw new InvalidDataException($"{path}: holds a whole pickled nn.Module, which only Python can rebuild; save its state_dict() instead.");
                case "_codecs.encode":
                    return args.Length > 0 && args[0] is string s ? Encoding.Latin1.GetBytes(s) : throw new InvalidDataException($"{path}: _codecs.encode without text.");
                case "numpy.dtype":
                    return new NumpyDtype(args.Length > 0 && args[0] is string d ? d : throw new InvalidDataException($"{path}: numpy.dtype without a descriptor."));
                case "numpy.core.multiarray.scalar" or "numpy._core.multiarray.scalar":
                    if (args.Length != 2 || args[0] is not NumpyDtype dtype) throw new InvalidDataException($"{path}: a numpy scalar with arguments this reader does not know.");
                    return dtype.Read(args[1] as byte[] ?? (args[1] is string text ? Encoding.Latin1.GetBytes(text) : throw new InvalidDataException($"{path}: a numpy scalar of Python objects.")), 0);
                case "numpy.core.multiarray._reconstruct" or "numpy._core.multiarray._reconstruct":
                    return new NumpyArray();
                case "copyreg._reconstructor" when args.Length > 0 && args[0] is Global cls && cls.Module.StartsWith("torch.nn.", StringComparison.Ordinal):
                    throw new InvalidDataException($"{path}: holds a whole pickled nn.Module ({cls}), which only Python can rebuild; save its state_dict() instead.");
                case var _ when g.Module.StartsWith("torch.nn.", StringComparison.Ordinal):
                    throw new InvalidDataException($"{path}: holds a whole pickled nn.Module ({g}), which only Python can rebuild; save its state_dict() instead.");
                default:
                    throw new InvalidDataException($"{path}: the pickle builds a {g}, which only Python can rebuild (a checkpoint holds dicts, lists, numbers, strings, tensors and numpy values).");
            }
        }

        private void Build(object? target, object? state)
        {
            switch (target)
            {
                case Dictionary<object, object?>: break; // an OrderedDict's attributes (a state dict's _metadata): not needed
                case NumpyDtype dtype: dtype.__setstate__((state as object?[] ?? [])!); break;
                case NumpyArray array:
                    array.__setstate__((state as object?[] ?? []).Select(s => s is string text ? Encoding.Latin1.GetBytes(text) : s).ToArray()!);
                    break;
                default: throw new InvalidDataException($"{path}: the pickle sets the state of a {target?.GetType().Name ?? "None"}, which this reader does not rebuild.");
            }
        }

        private Storage Persistent(object? pid)
        {
            // ('storage', storage class, key, location, element count, view metadata); ('module', class, file, source) for a pickled module
            if (pid is object?[] { Length: > 0 } m && m[0] is "module")
                throw new InvalidDataException($"{path}: holds a whole pickled nn.Module{(m.Length > 1 && m[1] is Global cls ? $" ({cls})" : "")}, which only Python can rebuild; save its state_dict() instead.");
            if (pid is not object?[] { Length: >= 5 } t || t[0] is not "storage" || t[1] is not Global type || t[2] is not string key)
                throw new InvalidDataException($"{path}: a persistent id that is not a tensor storage; not a file torch.save wrote.");
            if (storages.TryGetValue(key, out var known)) return known;
            var (scalar, size) = type.Name switch
            {
                "FloatStorage" => (torch.ScalarType.Float32, 4), "DoubleStorage" => (torch.ScalarType.Float64, 8),
                "HalfStorage" => (torch.ScalarType.Float16, 2), "BFloat16Storage" => (torch.ScalarType.BFloat16, 2),
                "LongStorage" => (torch.ScalarType.Int64, 8), "IntStorage" => (torch.ScalarType.Int32, 4),
                "ShortStorage" => (torch.ScalarType.Int16, 2), "CharStorage" => (torch.ScalarType.Int8, 1),
                "ByteStorage" => (torch.ScalarType.Byte, 1), "BoolStorage" => (torch.ScalarType.Bool, 1),
                _ => throw new InvalidDataException($"{path}: tensor storage type {type} is not supported."),
            };
            var storage = new Storage(key, scalar, size, System.Convert.ToInt64(t[4], CultureInfo.InvariantCulture));
            storages[key] = storage;
            return storage;
        }

        private long[] Longs(object? o) => o is object?[] t ? t.Select(v => System.Convert.ToInt64(v, CultureInfo.InvariantCulture)).ToArray()
            : throw new InvalidDataException($"{path}: a tensor's shape or stride is not a tuple; the file is damaged.");
    }
}
