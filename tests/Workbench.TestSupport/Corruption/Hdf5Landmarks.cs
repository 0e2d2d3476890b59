using System.Text;
using System.Text.Json;

namespace Workbench.TestSupport.Corruption;

/// <summary>
/// Where an HDF5 file's structures start: found by their signatures (the parts of the format that carry one), plus,
/// for the committed h5py fixtures, the addresses h5py itself reported (version-1 object headers have no signature).
/// </summary>
public static class Hdf5Landmarks
{
    /// <summary>Signatures of the HDF5 format's on-disk structures (superblock, object headers and their continuation
    /// blocks, v1 and v2 B-trees, local, global and fractal heaps, symbol-table nodes, free-space and chunk indices).</summary>
    public static readonly IReadOnlyList<string> Signatures =
        ["\u0089HDF\r\n\u001a\n", "OHDR", "OCHK", "TREE", "HEAP", "SNOD", "GCOL", "BTHD", "BTIN", "BTLF", "FRHP", "FHIB", "FHDB",
         "FSHD", "FSSE", "FAHD", "FADB", "EAHD", "EAIB", "EASB", "EADB", "SMTB", "SMLI"];

    /// <summary>Every offset at which a signature occurs, with its name.</summary>
    public static IReadOnlyList<(long Offset, string What)> Scan(byte[] file)
    {
        var found = new List<(long, string)>();
        foreach (string signature in Signatures)
        {
            byte[] pattern = Encoding.Latin1.GetBytes(signature);
            var span = file.AsSpan();
            for (int at = 0, i; (i = span[at..].IndexOf(pattern)) >= 0; at += i + 1)
                found.Add((at + i, signature.StartsWith('\u0089') ? "superblock" : signature));
        }
        return found.OrderBy(f => f.Item1).ToList();
    }

    /// <summary>The offsets recorded for <paramref name="fixture"/> in a structure.json written by the fixture script.</summary>
    public static IReadOnlyList<(long Offset, string What)> Recorded(string structureJson, string fixture)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(structureJson));
        if (!doc.RootElement.TryGetProperty(fixture, out var entry)) return [];
        return entry.GetProperty("offsets").EnumerateObject().Select(p => (p.Value.GetInt64(), p.Name)).OrderBy(p => p.Item1).ToList();
    }
}
