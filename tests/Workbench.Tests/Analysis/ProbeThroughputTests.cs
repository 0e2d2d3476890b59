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
    /// <summary>Forward FLOPs per window of the reference BN-CNN (conv1 0.187, conv2 0.011).</summary>
    private const double ForwardGflop = 0.20;

    /// <summary>FLOPs per IRF: the forward, conv1's input gradient (as large as its forward) and its weight gradient (the
    /// routed convolution computes it even with frozen parameters), plus conv2's.</summary>
    private const double IrfGflop = 0.62;

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

        // The machine's fp32 ceiling right now (other processes share the cores): a 1024x1024 matmul, 2.1 GFLOP a call.
        using var a = torch.randn(1024, 1024);
        using (a.matmul(a)) { }
        clock.Restart();
        for (int i = 0; i < 4; i++) using (a.matmul(a)) { }
        double ceiling = 4 * 2.0 * 1024 * 1024 * 1024 / clock.Elapsed.TotalSeconds / 1e9;

        output.WriteLine($"BN-CNN 50x50, {torch.get_num_threads()} threads: forward {forwardRate:F0} windows/s ({forwardRate * ForwardGflop:F1} GFLOP/s); " +
                         $"STA of {units.Count} units (every channel's centre, bn1 and bn2) {staRate:F0} frames/s; " +
                         $"IRFs {irfRate:F0}/s ({irfRate * IrfGflop:F1} GFLOP/s); fp32 matmul ceiling {ceiling:F1} GFLOP/s");
        Assert.Equal(new long[] { 16, 40, 50, 50 }, stas.shape);
        Assert.True(torch.isfinite(stas).all().item<bool>());
        Assert.Equal(32, irfs.Correlations.Length);
        Assert.All(irfs.Correlations, c => Assert.InRange(c, -1 - 1e-9, 1 + 1e-9));
    }
}
