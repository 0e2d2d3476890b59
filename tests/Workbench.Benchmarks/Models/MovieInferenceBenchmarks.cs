using BenchmarkDotNet.Attributes;
using TorchSharp;
using Workbench.Data;
using Workbench.Models;
using Workbench.Runtime;
using static TorchSharp.torch;

namespace Workbench.Benchmarks.Models;

/// <summary>
/// Issue 15's whole-movie target: predicting a 60-second movie (6,000 frames of 50×50, the reference BN-CNN, 12 cells, one
/// thread) through <see cref="Predictions.For"/>, which runs consecutive windows as movies (<see cref="RetinaModel.PredictMovie"/>:
/// the first layer one space-time FFT convolution, computed once per frame), against the same windows gathered and run one
/// by one, with the first layer as a direct convolution (the old path) and as a per-window FFT convolution. The ratio of the
/// window-by-window means to <see cref="MoviePath"/>'s is the speed-up; each mean covers 5,961 windows.
/// </summary>
[Config(typeof(ShortConfig))]
public class MovieInferenceBenchmarks
{
    private const int Frames = 6_000, Batch = 512;
    private BnCnn _model = null!;
    private Recording _recording = null!;
    private HistoryWindows _windows = null!;

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(1);
        torch.manual_seed(1);
        _model = new BnCnn(ModelSpec.BnCnnFor(12));
        _model.eval();
        _recording = new Recording(torch.randn(Frames, 50, 50), torch.zeros(Frames, 12), 0.01,
            Enumerable.Range(0, 12).Select(i => new CellInfo(i, CellInfo.NameOf(i))).ToList(), RecordingProvenance.Of("benchmark"));
        _windows = new HistoryWindows(_recording);
    }

    /// <summary>Every window's rates through the movie path, 512 windows a call (what <c>evaluate</c> runs).</summary>
    [Benchmark(Baseline = true)]
    public long MoviePath()
    {
        using var rates = Predictions.For(_model, _recording, batchSize: Batch);
        return rates.shape[0];
    }

    /// <summary>The same windows gathered and run one batch of 512 at a time, the first layer as a direct convolution.</summary>
    [Benchmark]
    public long WindowByWindowDirect() => WindowByWindow(ConvolutionAlgorithm.Direct);

    /// <summary>The same, the first layer as an FFT convolution of each window.</summary>
    [Benchmark]
    public long WindowByWindowFft() => WindowByWindow(ConvolutionAlgorithm.Auto);

    private long WindowByWindow(ConvolutionAlgorithm algorithm)
    {
        var previous = Convolutions.Algorithm;
        Convolutions.Algorithm = algorithm;
        try
        {
            using var noGrad = torch.no_grad();
            long count = 0;
            foreach (var batch in WindowBatches.InOrder([new WindowRange(0, _windows.Count)], Batch))
            {
                using var scope = torch.NewDisposeScope();
                var (inputs, _) = _windows.Batch(batch, torch.CPU);
                count += _model.Predict(inputs).shape[0];
            }
            return count;
        }
        finally
        {
            Convolutions.Algorithm = previous;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _windows.Dispose();
        _recording.Dispose();
        _model.Dispose();
    }
}
