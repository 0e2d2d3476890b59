using BenchmarkDotNet.Attributes;
using TorchSharp;
using Workbench.Data;

namespace Workbench.Benchmarks.Data;

/// <summary>
/// Assembling training batches from history windows of a 10-minute 50×50 recording (60,000 frames, 600 MB as float32):
/// shuffled window indices gathered from the strided view, (B, 40, 50, 50) per batch. Nothing else is copied.
/// </summary>
[Config(typeof(ShortConfig))]
public class WindowBatchBenchmarks
{
    private Recording _recording = null!;
    private HistoryWindows _windows = null!;
    private long[][] _batches = null!;

    [Params(64, 512)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(2);
        torch.manual_seed(1);
        _recording = new Recording(torch.randn(60_000, 50, 50), torch.rand(60_000, 5), 0.01,
            Enumerable.Range(0, 5).Select(i => new CellInfo(i, CellInfo.NameOf(i))).ToList(), RecordingProvenance.Of("benchmark"));
        _windows = new HistoryWindows(_recording);
        _batches = WindowBatches.Shuffled([new WindowRange(0, _windows.Count)], BatchSize, seed: 1).Take(20).ToArray();
    }

    /// <summary>One batch: B × 40 × 50 × 50 floats (B × 400 kB) gathered from random places in the recording.</summary>
    [Benchmark]
    public void AssembleBatch()
    {
        foreach (var batch in _batches.Take(4))
        {
            var (x, y) = _windows.Batch(batch);
            x.Dispose();
            y.Dispose();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _windows.Dispose();
        _recording.Dispose();
    }
}
