using BenchmarkDotNet.Attributes;
using TorchSharp;
using Workbench.Analysis;
using Workbench.Data;
using Workbench.Models;

namespace Workbench.Benchmarks.Analysis;

/// <summary>
/// Probing the reference BN-CNN (50×50, 8+8 channels, 5 cells) over 1,024 frames of white noise: the forward pass alone
/// (the ceiling of any streamed probe), the STAs of the central unit of every channel of layers 1 and 2 (16 units, one
/// pass), and instantaneous RFs of one output cell over 128 windows (forward + backward to the stimulus). Frames per second
/// are 1,024 / mean (128 / mean for IRFs). FLOPs per window: forward ≈ 0.20 GFLOP; an IRF adds the backward, ≈ 0.4 GFLOP
/// (conv1's input and weight gradients; see <see cref="Models.TrainingStepBenchmarks.MatMulCeiling"/> for the machine's fp32 ceiling).
/// </summary>
[Config(typeof(ShortConfig))]
public class ProbeBenchmarks
{
    private const int Frames = 1024, IrfWindows = 128;
    private BnCnn _model = null!;
    private Recording _recording = null!;
    private HistoryWindows _windows = null!;
    private IReadOnlyList<UnitAddress> _units = null!;

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(2);
        torch.manual_seed(1);
        _model = new BnCnn(ModelSpec.BnCnnFor(5));
        _model.eval();
        _recording = new Recording(torch.randn(Frames + 40, 50, 50), torch.zeros(Frames + 40, 1), 0.01,
            [new CellInfo(0, CellInfo.NameOf(0))], RecordingProvenance.Of("benchmark"));
        _windows = new HistoryWindows(_recording);
        _units = LayerProbe.CentralUnits(_model, "bn1").Concat(LayerProbe.CentralUnits(_model, "bn2")).ToList();
    }

    /// <summary>Forward passes only, batches of 128: what a streamed probe costs at least.</summary>
    [Benchmark]
    public long ForwardOnly()
    {
        long seen = 0;
        LayerProbe.ForEachBatch(_model, _windows, [new WindowRange(0, Frames)], [], b => seen += b.Indices.Length, batchSize: 128);
        return seen;
    }

    /// <summary>STAs of 16 units (every channel's centre in layers 1 and 2) over 1,024 frames.</summary>
    [Benchmark]
    public void StaEveryChannel()
    {
        using var stas = UnitReverseCorrelation.Stas(_model, _windows, [new WindowRange(0, Frames)], _units, batchSize: 128);
    }

    /// <summary>Instantaneous RFs of output cell 0 at 128 time steps, with their average and correlations.</summary>
    [Benchmark]
    public double InstantaneousRfs() =>
        GradientReceptiveFields.Compute(_model, _windows, [new WindowRange(0, IrfWindows)], UnitAddress.OutputCell(0), batchSize: 32).ReversedFraction;

    [GlobalCleanup]
    public void Cleanup()
    {
        _windows.Dispose();
        _recording.Dispose();
        _model.Dispose();
    }
}
