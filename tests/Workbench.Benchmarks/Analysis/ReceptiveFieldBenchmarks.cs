using BenchmarkDotNet.Attributes;
using TorchSharp;
using Workbench.Analysis;
using Workbench.Data;
using Workbench.Models;

namespace Workbench.Benchmarks.Analysis;

/// <summary>
/// Receptive fields of a BN-CNN (default 8+8 channels, 15/11 kernels, 4 cells) on the tiny preset's 32×32 and the
/// recordings' 50×50 white noise: the STAs of every bn1 channel's central unit streamed over 4,096 windows in batches of
/// 128 (windows/s = 4,096 / mean), and the instantaneous RFs of one batch of 32 windows of output cell 0 (IRFs/s = 32 /
/// mean). FLOPs per window: forward 0.047 GFLOP at 32×32 (conv1 46.7 M, conv2 1.0 M) and 0.197 at 50×50 (186.6 M +
/// 10.5 M), which bounds the STA (its matmul adds 2·8·40·H·W, under 1%); an IRF adds the input gradients (conv1's as
/// large as its forward; weight gradients are skipped with frozen parameters), so about twice the forward. Compare with
/// <see cref="Models.TrainingStepBenchmarks.MatMulCeiling"/>.
/// </summary>
[Config(typeof(ShortConfig))]
public class ReceptiveFieldBenchmarks
{
    private const int StaWindows = 4096, IrfBatch = 32;
    private BnCnn _model = null!;
    private Recording _recording = null!;
    private HistoryWindows _windows = null!;
    private IReadOnlyList<UnitAddress> _layer1 = null!;
    private torch.Tensor _batch = null!;

    /// <summary>Stimulus side, checkers: 32 (tiny preset) or 50 (the recordings).</summary>
    [Params(32, 50)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(2);
        torch.manual_seed(1);
        _model = new BnCnn(ModelSpec.BnCnnFor(4, Size, Size));
        _model.eval();
        _recording = new Recording(torch.randn(StaWindows + 40, Size, Size), torch.zeros(StaWindows + 40, 1), 0.01,
            [new CellInfo(0, CellInfo.NameOf(0))], RecordingProvenance.Of("benchmark"));
        _windows = new HistoryWindows(_recording);
        _layer1 = LayerProbe.CentralUnits(_model, "bn1");
        var (inputs, targets) = _windows.Batch(Enumerable.Range(0, IrfBatch).Select(i => (long)i).ToArray());
        targets.Dispose();
        _batch = inputs;
    }

    /// <summary>STAs of every bn1 channel's central unit (8 units) over 4,096 windows streamed in batches of 128.</summary>
    [Benchmark]
    public void StaLayer1Stream()
    {
        using var stas = UnitReverseCorrelation.Stas(_model, _windows, [new WindowRange(0, StaWindows)], _layer1, batchSize: 128);
    }

    /// <summary>Instantaneous RFs of output cell 0 for one batch of 32 windows (one forward and one backward pass).</summary>
    [Benchmark]
    public void IrfBatchOf32()
    {
        using var g = GradientReceptiveFields.Gradients(_model, _batch, UnitAddress.OutputCell(0), out var r);
        r.Dispose();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _batch.Dispose();
        _windows.Dispose();
        _recording.Dispose();
        _model.Dispose();
    }
}
