using System.Text;

namespace Workbench.Models;

/// <summary>One entry of a TorchSharp weights file: a state-dict key and the tensor's element type and shape.</summary>
public sealed record WeightsEntry(string Key, int ScalarType, IReadOnlyList<long> Shape);

/// <summary>
/// Reads the table of contents of a TorchSharp <c>Module.save</c> file (ULEB128 entry count; per entry a length-prefixed
/// UTF-8 key, then ULEB128 scalar type, rank and dimensions, then the raw little-endian data), so that a mismatch with a
/// model can be reported key by key before TorchSharp's load throws a terse error.
/// </summary>
public static class WeightsFile
{
    /// <summary>The entries of the file at <paramref name="path"/>, in order.</summary>
    /// <exception cref="InvalidDataException">The file is truncated or not a TorchSharp weights file; the message names it.</exception>
    public static IReadOnlyList<WeightsEntry> ReadEntries(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            long count = Uleb(reader, path);
            if (count < 0 || count > 100_000) throw new InvalidDataException($"{path}: implausible entry count {count}; not a TorchSharp weights file.");
            var entries = new List<WeightsEntry>();
            for (long i = 0; i < count; i++)
            {
                string key = reader.ReadString();
                long type = Uleb(reader, path);
                long rank = Uleb(reader, path);
                if (rank > 16) throw new InvalidDataException($"{path}: entry '{key}' has rank {rank}; not a TorchSharp weights file.");
                var shape = new long[rank];
                for (int d = 0; d < rank; d++) shape[d] = Uleb(reader, path);
                long bytes = ElementSize(type, path, key);
                foreach (long d in shape)
                    bytes = d == 0 || bytes <= (stream.Length - stream.Position) / d ? bytes * d
                        : throw new InvalidDataException($"{path}: entry '{key}' of shape [{string.Join(", ", shape)}] needs more bytes than the file has left; truncated or damaged.");
                if (stream.Position + bytes > stream.Length) throw new InvalidDataException($"{path}: truncated inside entry '{key}'.");
                stream.Seek(bytes, SeekOrigin.Current);
                entries.Add(new WeightsEntry(key, (int)type, shape));
            }
            return entries;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: truncated; not a complete TorchSharp weights file.", e);
        }
        catch (FormatException e)
        {
            // BinaryReader.ReadString: a key's length prefix is not a valid 7-bit encoded integer.
            throw new InvalidDataException($"{path}: a key's length is malformed; damaged, or not a TorchSharp weights file ({e.Message}).", e);
        }
    }

    private static long Uleb(BinaryReader reader, string path)
    {
        long result = 0;
        for (int shift = 0; shift < 63; shift += 7)
        {
            byte b = reader.ReadByte();
            result |= (long)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new InvalidDataException($"{path}: a ULEB128 value runs over 63 bits; damaged, or not a TorchSharp weights file.");
    }

    private static long ElementSize(long type, string path, string key) => type switch
    {
        0 or 1 or 11 => 1, // uint8, int8, bool
        2 or 5 or 15 => 2, // int16, float16, bfloat16
        3 or 6 => 4, // int32, float32
        4 or 7 => 8, // int64, float64
        _ => throw new InvalidDataException($"{path}: entry '{key}' has unknown scalar type {type}."),
    };
}
