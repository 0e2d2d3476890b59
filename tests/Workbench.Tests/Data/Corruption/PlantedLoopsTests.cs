using System.Buffers.Binary;
using System.Text;
using Workbench.Data;
using Workbench.Data.DeepRetina;
using Workbench.Data.Inspection;
using Workbench.TestSupport.Corruption;

namespace Workbench.Tests.Data.Corruption;

/// <summary>
/// Damage that random flips rarely produce but a reader must survive: version-1 B-tree nodes (the format's layout, as
/// h5py writes it: "TREE", type, level, entries, two sibling addresses, then keys and child addresses) edited to point
/// back at themselves. Without guards, PureHDF recurses until the stack overflows (killing the process) or walks an
/// exponentially large tree (hanging); with them, each ends in a RecordingFormatException within the watchdog's time.
/// </summary>
public class PlantedLoopsTests(CorruptionSources sources, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<CorruptionSources>
{
    [Theory]
    [InlineData("chunk index that is its own child", "FileInspector.Inspect --stats")]
    [InlineData("chunk index that is its own child", "DeepRetinaFile.Read train")]
    [InlineData("root group index with 32 children that are itself, 6 levels deep", "FileInspector.Inspect")]
    [InlineData("a chain of 6 group index nodes, each with 32 children that are the next (32^6 leaves)", "FileInspector.Inspect")]
    public void APlantedLoop_EndsInANamedError(string loop, string entry)
    {
        var source = sources["h5py-chunked-gzip-float64"];
        byte[] bytes = File.ReadAllBytes(source.Path);
        if (loop.StartsWith("chunk")) SelfChild(bytes, Nodes(bytes, type: 1)[0], level: 1, keySize: 40);
        else if (loop.StartsWith("root")) SelfChild(bytes, Nodes(bytes, type: 0)[0], level: 6, keySize: 8, entries: 32);
        else
        {
            // Not a cycle but a DAG: every node's 32 children are the same node one level down; the level-0 node's are
            // the root group's symbol table node. Finite, and far too large to list (32^6 symbol-table nodes).
            var groups = Nodes(bytes, type: 0);
            ulong leaf = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(groups[0] + 24 + 8));
            for (int level = 5; level >= 0; level--)
            {
                int node = groups[5 - level];
                ulong child = level > 0 ? (ulong)groups[6 - level] : leaf;
                bytes[node + 5] = (byte)level;
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(node + 6), 32);
                for (int c = 0; c < 32; c++) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(node + 24 + 8 + c * 16), child);
            }
        }
        string path = Path.Combine(sources.Scratch("planted"), "loop.h5");
        File.WriteAllBytes(path, bytes);

        var attempt = Watchdog.Run(() => CorpusEntryPoints.Run(entry, path, source), CorpusReport.CaseTimeout);

        Assert.False(attempt.TimedOut, $"{loop} through {entry}: no result after {CorpusReport.CaseTimeout.TotalSeconds} s");
        var e = Assert.IsType<RecordingFormatException>(attempt.Error);
        Assert.StartsWith($"{path}: ", e.Message);
        output.WriteLine($"{loop} through {entry}, {attempt.Elapsed.TotalSeconds:F1} s: {e.Message}");
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(e.Message, "structure (loops|nests without end)|index may loop|nothing at that path"), e.Message);
    }

    /// <summary>The version-1 B-tree nodes of a type (0 group, 1 chunks) in file order: the root group's first, train/stimulus's chunk index first.</summary>
    private static List<int> Nodes(byte[] bytes, byte type)
    {
        var tree = Encoding.ASCII.GetBytes("TREE");
        var found = new List<int>();
        for (int at = 0, i; (i = bytes.AsSpan(at).IndexOf(tree)) >= 0; at += i + 1)
            if (bytes[at + i + 4] == type) found.Add(at + i);
        return found.Count > 0 ? found : throw new InvalidOperationException($"no B-tree node of type {type}");
    }

    /// <summary>Sets a node's level and entry count and points every child at the node itself.</summary>
    private static void SelfChild(byte[] bytes, int node, byte level, int keySize, int? entries = null)
    {
        bytes[node + 5] = level;
        if (entries is { } n) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(node + 6), (ushort)n);
        int used = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(node + 6));
        for (int c = 0; c < used; c++)
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(node + 24 + keySize + c * (keySize + 8)), (ulong)node);
    }
}
