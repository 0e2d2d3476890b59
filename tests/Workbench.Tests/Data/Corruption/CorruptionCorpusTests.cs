using Workbench.TestSupport.Corruption;
using Xunit.Abstractions;

namespace Workbench.Tests.Data.Corruption;

/// <summary>
/// Bad files never crash a reader: every damaged copy of every source (h5py-written recordings as the reference writes
/// them, our writer's recordings, interneuron files, a checkpoint's weights and sidecar, a ground truth, a manifest),
/// truncated at many offsets and with bytes changed in five patterns, goes through every library entry point that
/// opens such a file. Each either reads it or throws the error type it documents, naming the file; none hangs; and a
/// truncated copy that reads without error gives exactly what the intact file gives.
/// </summary>
public class CorruptionCorpusTests(CorruptionSources sources, ITestOutputHelper output) : IClassFixture<CorruptionSources>
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (source, kind) in new[]
                 {
                     ("h5py-chunked-gzip-float64", SourceKind.DeepRetina), ("h5py-contiguous-uint8", SourceKind.DeepRetina),
                     ("writer-chunked-shuffle-deflate-uint8", SourceKind.DeepRetina), ("writer-contiguous-float32", SourceKind.DeepRetina),
                     ("h5py-interneurons", SourceKind.Interneurons), ("writer-interneurons", SourceKind.Interneurons),
                     ("checkpoint-weights", SourceKind.Weights), ("checkpoint-sidecar", SourceKind.Sidecar),
                     ("ground-truth", SourceKind.GroundTruth), ("manifest", SourceKind.Manifest), ("torchscript", SourceKind.TorchScript),
                 })
            foreach (string entry in CorpusEntryPoints.For(kind)) data.Add(source, entry);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryDamagedCopy_IsReadOrRefusedWithTheDocumentedError(string sourceName, string entry)
    {
        var source = sources[sourceName];
        string intact = CorpusEntryPoints.Run(entry, CopyOfIntact(source), source);
        var damages = source.Damages();

        var report = CorpusReport.Run($"{sourceName} through {entry}", damages, sources.Scratch(sourceName), source.FileName,
            path => CorpusEntryPoints.Run(entry, path, source), intact, e => CorpusEntryPoints.Documented(source.Kind, e));

        output.WriteLine(report.Summary);
        foreach (string v in report.Violations.Take(40)) output.WriteLine(v);
        Assert.True(report.Violations.Count == 0, $"{report.Summary}\n{string.Join("\n", report.Violations.Take(40))}");
        Assert.True(report.Refused > 0, $"{report.Summary}: no damaged copy was refused, so the corpus tested nothing");
    }

    /// <summary>The intact file under the same kind of name the damaged copies get (a sidecar needs its weights next to it).</summary>
    private string CopyOfIntact(CorpusSource source)
    {
        string path = Path.Combine(sources.Scratch(source.Name), $"intact-{source.FileName}");
        File.Copy(source.Path, path);
        return path;
    }
}
