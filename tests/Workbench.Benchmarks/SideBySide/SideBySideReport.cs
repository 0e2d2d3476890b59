using System.Globalization;
using System.Text.Json;

namespace Workbench.Benchmarks.SideBySide;

/// <summary>Everything one side-by-side run found, printed as a table and optionally written as JSON.</summary>
/// <param name="Options">What was run.</param>
/// <param name="Cpu">The CPU model (from /proc/cpuinfo).</param>
/// <param name="LoadBefore">/proc/loadavg before the run (other work on the machine skews wall-clock numbers).</param>
/// <param name="LoadAfter">/proc/loadavg after it.</param>
/// <param name="Numerics">The workbench's float32 convolution self-check and route.</param>
/// <param name="Flops">Nominal FLOP per sample.</param>
/// <param name="Workbench">The workbench's measurements.</param>
/// <param name="Peer">The peer's, or null when it could not run.</param>
/// <param name="PeerUnavailable">Why the peer did not run, or null.</param>
/// <param name="Check">The cross-check, when the peer ran.</param>
public sealed record SideBySideReport(SideBySideOptions Options, string Cpu, string LoadBefore, string LoadAfter, string Numerics,
    BnCnnFlops Flops, SideResult Workbench, SideResult? Peer, string? PeerUnavailable, CrossCheck? Check)
{
    /// <summary>The fp32 GEMM ceiling: the better of the two in-process matrix-product rates.</summary>
    public double CeilingGflops => Math.Max(Workbench.GemmGflops, Peer?.GemmGflops ?? 0);

    /// <summary>Workbench training samples/s over the peer's, or null without a peer.</summary>
    public double? TrainingRatio => Peer is null ? null : Workbench.TrainingSamplesPerSecond / Peer.TrainingSamplesPerSecond;

    /// <summary>Workbench inference samples/s over the peer's, or null without a peer.</summary>
    public double? InferenceRatio => Peer is null ? null : Workbench.InferenceSamplesPerSecond / Peer.InferenceSamplesPerSecond;

    /// <summary>Prints the report for a person.</summary>
    public void Print(TextWriter output)
    {
        var o = Options;
        output.WriteLine($"BN-CNN side by side: batch {o.Batch} of 40x50x50, 5 cells, Adam, Poisson loss; {o.Threads} thread(s) each; " +
                         $"median of {o.Repeats} runs of {o.Steps} steps after {o.Warmup} warm-up steps");
        output.WriteLine($"CPU: {Cpu}");
        output.WriteLine($"load average: {LoadBefore} before, {LoadAfter} after (1, 5, 15 min; other work slows both sides)");
        output.WriteLine($"workbench: {Workbench.Versions}");
        output.WriteLine($"  numerics: {Numerics}");
        output.WriteLine(Peer is null ? $"peer: NOT RUN: {PeerUnavailable}" : $"peer: {Peer.Versions}");
        output.WriteLine($"parameters: workbench {Workbench.Parameters:N0}" + (Peer is null ? "" : $", peer {Peer.Parameters:N0}") +
                         $" (reference 138,367 for 5 cells){(Peer is not null && Peer.Parameters != Workbench.Parameters ? "  MISMATCH" : "")}");
        if (Check is { } c)
            output.WriteLine($"cross-check: peer's weights loaded into the workbench, eval outputs vs the peer's float64: " +
                             $"float64 rel. error {c.Float64Error:E1} (<= {CrossCheck.Float64Tolerance:E0}), float32 {c.Float32Error:E1} (<= {CrossCheck.Float32Tolerance:E0}); " +
                             $"training-mode gradients (float64) {c.GradientError:E1} (<= {CrossCheck.GradientTolerance:E0}); " +
                             $"peer loss {c.FirstLoss:F3} -> {c.LastLoss:F3} over {c.CheckSteps} steps on one batch; " +
                             $"peer float32 vs its float64: outputs {c.PeerFloat32OutputError:E1}, gradients {c.PeerFloat32GradientError:E1} ({c.PeerWorstGradient}) " +
                             $"(<= {CrossCheck.Float32Tolerance:E0}): {(c.Passed ? "PASS" : "FAIL")}");
        output.WriteLine($"fp32 GEMM (2048x2048 matmul, best of 5): workbench's libtorch {Workbench.GemmGflops:F1} GFLOP/s" +
                         (Peer is null ? "" : $", peer's torch {Peer.GemmGflops:F1} GFLOP/s") + $"; ceiling {CeilingGflops:F1}");
        output.WriteLine($"FLOP per sample (direct-convolution count): training {Flops.Training / 1e9:F3} G, inference {Flops.Forward / 1e9:F3} G");
        output.WriteLine();
        output.WriteLine($"{"",-30}{"workbench",12}{"peer",12}{"ratio",9}");
        Row("training samples/s", Workbench.TrainingSamplesPerSecond, Peer?.TrainingSamplesPerSecond, TrainingRatio, "F1");
        Row("  slowest .. fastest run", null, null, null, "F1",
            $"{Range(Workbench.Training)}", Peer is null ? "" : Range(Peer.Training));
        Row("inference samples/s", Workbench.InferenceSamplesPerSecond, Peer?.InferenceSamplesPerSecond, InferenceRatio, "F1");
        Row("training CPU ms per sample", Workbench.TrainingCpuSecondsPerSample * 1e3, Peer?.TrainingCpuSecondsPerSample * 1e3,
            Peer is null ? null : Peer.TrainingCpuSecondsPerSample / Workbench.TrainingCpuSecondsPerSample, "F2");
        Row("training GFLOP/s (nominal)", Gflops(Workbench.TrainingSamplesPerSecond, Flops.Training), Peer is null ? null : Gflops(Peer.TrainingSamplesPerSecond, Flops.Training), null, "F1");
        Row("  fraction of the ceiling %", Fraction(Workbench.TrainingSamplesPerSecond, Flops.Training), Peer is null ? null : Fraction(Peer.TrainingSamplesPerSecond, Flops.Training), null, "F1");
        Row("inference GFLOP/s (nominal)", Gflops(Workbench.InferenceSamplesPerSecond, Flops.Forward), Peer is null ? null : Gflops(Peer.InferenceSamplesPerSecond, Flops.Forward), null, "F1");
        Row("  fraction of the ceiling %", Fraction(Workbench.InferenceSamplesPerSecond, Flops.Forward), Peer is null ? null : Fraction(Peer.InferenceSamplesPerSecond, Flops.Forward), null, "F1");
        if (TrainingRatio is { } ratio)
            output.WriteLine($"\nworkbench / peer: training {ratio:F2}x, inference {InferenceRatio:F2}x");
        output.WriteLine("(nominal GFLOP/s count the direct-convolution arithmetic; FFT convolutions do less, so the fraction can pass 100 %;");
        output.WriteLine(" the CPU-time ratio is the peer's CPU time per sample over the workbench's.)");
        if (Busy(LoadBefore))
            output.WriteLine($"note: other work was running (load {LoadBefore} before the run, on {Environment.ProcessorCount} logical cores): wall-clock numbers are " +
                             "slowed, multi-threaded ones most (a thread waits for a descheduled sibling at every parallel operation); compare with --threads 1 on a busy machine.");

        void Row(string label, double? workbench, double? peer, double? r, string format, string? workbenchText = null, string? peerText = null)
        {
            string Cell(double? v, string? text) => text ?? (v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "");
            output.WriteLine($"{label,-30}{Cell(workbench, workbenchText),12}{Cell(peer, peerText),12}{(r is { } q ? q.ToString("F2", CultureInfo.InvariantCulture) : ""),9}");
        }
    }

    /// <summary>Writes the options, the environment, every timed run and the derived rates as JSON.</summary>
    public void WriteJson(string path)
    {
        var document = new
        {
            options = Options,
            cpu = Cpu,
            loadBefore = LoadBefore,
            loadAfter = LoadAfter,
            numerics = Numerics,
            flopsPerSample = new { training = Flops.Training, inference = Flops.Forward, conv1 = Flops.Conv1, conv2 = Flops.Conv2, readout = Flops.Readout },
            ceilingGflops = CeilingGflops,
            workbench = Side(Workbench),
            peer = Peer is null ? null : Side(Peer),
            peerUnavailable = PeerUnavailable,
            check = Check is null ? null : new
            {
                Check.Float64Error, Check.Float32Error, Check.GradientError, Check.FirstLoss, Check.LastLoss, Check.CheckSteps,
                Check.PeerFloat32OutputError, Check.PeerFloat32GradientError, Check.PeerWorstGradient, Check.Passed,
            },
            trainingRatio = TrainingRatio,
            inferenceRatio = InferenceRatio,
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
    }

    private object Side(SideResult s) => new
    {
        s.Name, s.Versions, s.Parameters, s.GemmGflops, s.TrainingSamplesPerSecond, s.InferenceSamplesPerSecond, s.TrainingCpuSecondsPerSample,
        trainingGflops = Gflops(s.TrainingSamplesPerSecond, Flops.Training),
        trainingFractionOfCeiling = Fraction(s.TrainingSamplesPerSecond, Flops.Training) / 100,
        inferenceGflops = Gflops(s.InferenceSamplesPerSecond, Flops.Forward),
        inferenceFractionOfCeiling = Fraction(s.InferenceSamplesPerSecond, Flops.Forward) / 100,
        training = s.Training,
        inference = s.Inference,
    };

    /// <summary>Whether a /proc/loadavg reading shows at least one other runnable process on average over a minute.</summary>
    private static bool Busy(string load) =>
        double.TryParse(load.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double oneMinute) && oneMinute >= 1.0;

    private static double Gflops(double samplesPerSecond, double flops) => samplesPerSecond * flops / 1e9;

    private double Fraction(double samplesPerSecond, double flops) => 100 * Gflops(samplesPerSecond, flops) / CeilingGflops;

    private static string Range(IReadOnlyList<Timing> runs) =>
        FormattableString.Invariant($"{runs.Min(t => t.SamplesPerSecond):F0}..{runs.Max(t => t.SamplesPerSecond):F0}");
}
