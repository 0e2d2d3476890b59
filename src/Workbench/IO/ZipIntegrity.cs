using System.IO.Compression;

namespace Workbench.IO;

/// <summary>
/// Checks that a zip archive (a TorchScript module is one) is whole: its directory reads, and every entry's bytes match
/// the CRC-32 recorded for them. libtorch parses an archive natively and may abort the whole process on a damaged one
/// (an uncaught std::out_of_range), so damaged archives are refused here first, with the file and entry named.
/// </summary>
public static class ZipIntegrity
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>Reads every entry of <paramref name="path"/> and compares its CRC-32 with the archive's record.</summary>
    /// <exception cref="InvalidDataException">Not a zip archive, truncated, or an entry differs from its CRC; the message names the file.</exception>
    public static void Verify(string path)
    {
        try
        {
            using var archive = ZipFile.OpenRead(path);
            var buffer = new byte[1 << 16];
            foreach (var entry in archive.Entries)
            {
                uint crc = 0xFFFFFFFF;
                long length = 0;
                using (var stream = entry.Open())
                    for (int n; (n = stream.Read(buffer)) > 0; length += n)
                        for (int i = 0; i < n; i++) crc = Table[(crc ^ buffer[i]) & 0xFF] ^ (crc >> 8);
                crc ^= 0xFFFFFFFF;
                if (crc != entry.Crc32 || length != entry.Length)
                    throw new InvalidDataException($"{path}: entry '{entry.FullName}' is damaged ({length:N0} bytes with CRC-32 {crc:x8}, the archive records {entry.Length:N0} with {entry.Crc32:x8}).");
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException or ArgumentException && !e.Message.StartsWith(path, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: not a whole zip archive ({e.Message}); the file may be truncated or damaged.", e);
        }
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        return table;
    }
}
