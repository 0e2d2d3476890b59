using System.Diagnostics;
using TorchSharp;
using Workbench.Analysis;
using Workbench.Data;
using Workbench.Models;
using Workbench.Tests.Support;
using Xunit.Abstractions;

namespace Workbench.Tests.Analysis;

/// <summary>
/// Throughput of the probes on the reference BN-CNN (50×50 white noise, 8+8 channels), printed for the issue notes: STA
/// frames per second for the central unit of every channel of layers 1 and 2, instantaneous RFs per second, and the plain
/// forward pass over the same windows (what a streamed STA cannot beat). Small on purpose (seconds on 2 loaded cores);
/// tests/Workbench.Benchmarks measures the same at length. Asserts only what the numbers mean: results are finite and sized.
/// </summary>
public class ProbeThroughputTests(ITestOutputHelper output)
{
    [Fact]
    public void BnCnnStaAndIrfThroughput_IsReported()
    {
        TestTorch.Cpu(seed: 61);
        using var model = new BnCnn(ModelSpec.BnCnnFor(5));
        model.eval();
        using var recording = ProbeFixtures.WhiteNoise(40 + 128, 50, 50);
        using var windows = new HistoryWindows(recording);
        WindowRange[] all = [new(0, windows.Count)];
        var units = LayerProbe.CentralUnits(model, "bn1").Concat(LayerProbe.CentralUnits(model, "bn2")).ToList();

        var clock = Stopwatch.StartNew();
        long seen = 0;
        LayerProbe.ForEachBatch(model, windows, all, [], b => seen += b.Indices.Length, batchSize: 64);
        double forwardRate = seen / clock.Elapsed.TotalSeconds;

        clock.Restart();
        using var stas = UnitReverseCorrelation.Stas(model, windows, all, units, batchSize: 64);
        double staRate = windows.Count / clock.Elapsed.TotalSeconds;

        clock.Restart();
        var irfs = GradientReceptiveFields.Compute(model, windows, [new WindowRange(0, 32)], UnitAddress.OutputCell(0), batchSize: 32);
        double irfRate = 32 / clock.Elapsed.TotalSeconds;

        output.WriteLine($"BN-CNN 50x50, {torch.get_num_threads()} threads: forward {forwardRate:F0} windows/s; " +
                         $"STA of {units.Count} units (every channel's centre, bn1 and bn2) {staRate:F0} frames/s; IRFs {irfRate:F0}/s");
        Assert.Equal(new long[] { 16, 40, 50, 50 }, stas.shape);
        Assert.True(torch.isfinite(stas).all().item<bool>());
        Assert.Equal(32, irfs.Correlations.Length);
        Assert.All(irfs.Correlations, c => Assert.InRange(c, -1 - 1e-9, 1 + 1e-9));
    }
}
