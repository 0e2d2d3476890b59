using Workbench.Runtime;

namespace Workbench.Benchmarks.SideBySide;

/// <summary>
/// <c>dotnet run -c Release --project tests/Workbench.Benchmarks -- side-by-side [options]</c>: the workbench's BN-CNN
/// training step and Debian's PyTorch running the reference architecture (<c>peer/bncnn_peer.py</c>), in one run on one
/// machine with the same thread count, printed side by side with their ratio. Each repeat times the workbench and then
/// the peer, so a change in the machine's load falls on both.
/// </summary>
/// <remarks>Exit code 0: both sides ran and the cross-check passed; 1: the cross-check failed (the numbers compare
/// different computations); 2: the peer could not run (the workbench side is still printed); 64: bad arguments.</remarks>
public static class SideBySideCommand
{
    /// <summary>The first argument that selects this command instead of BenchmarkDotNet.</summary>
    public const string Name = "side-by-side";

    private const int GemmSize = 2048, GemmRepeats = 5, CheckSteps = 10, CheckBatch = 4;

    /// <summary>Runs the comparison with <paramref name="args"/> (those after <see cref="Name"/>).</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        SideBySideOptions options;
        try
        {
            if (args.Contains("--help") || args.Contains("-h"))
            {
                Console.WriteLine(SideBySideOptions.Usage);
                return 0;
            }
            options = SideBySideOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 64;
        }

        string loadBefore = Load();
        var runtime = TorchRuntime.Initialize(new RuntimeOptions { Device = "cpu", Threads = options.Threads, Seed = 1 });
        string cpu = NumericsCheck.ProcessorDescription();
        Console.WriteLine($"// {cpu}; load {loadBefore}; starting the peer ...");

        PeerProcess? peer = null;
        PeerAnswer? peerInfo = null;
        string? unavailable = null;
        try
        {
            (peer, peerInfo) = PeerProcess.Start(options.Python, options.Threads);
        }
        catch (PeerUnavailableException e)
        {
            unavailable = e.Message;
            Console.WriteLine($"// the PyTorch peer is unavailable: {unavailable}");
        }

        using var workbench = new WorkbenchSide(options.Batch);
        try
        {
            CrossCheck? check = peer is null ? null : CrossCheckWith(peer);
            if (check is not null) Console.WriteLine($"// cross-check {(check.Passed ? "passed" : "FAILED")}");

            Console.WriteLine("// fp32 GEMM ceiling ...");
            double workbenchGemm = WorkbenchSide.Gemm(GemmSize, GemmRepeats);
            double? peerGemm = peer?.Send(PeerProtocol.Request("gemm", ("size", GemmSize), ("repeats", GemmRepeats))).Required("gemm").Number("gflops");

            var (workbenchTraining, peerTraining) = Interleaved(options, "train", workbench.Train, peer);
            var (workbenchInference, peerInference) = Interleaved(options, "infer", workbench.Infer, peer);

            string versions = $"Workbench {runtime.WorkbenchVersion}, TorchSharp {runtime.TorchSharpVersion}, libtorch {runtime.LibTorchVersion}, {runtime.DotNetVersion}";
            var workbenchResult = new SideResult("workbench", versions, workbench.Parameters, workbenchGemm, workbenchTraining, workbenchInference);
            SideResult? peerResult = peer is null ? null : new SideResult("peer",
                $"PyTorch {peerInfo!.Text("torch")} (Python {peerInfo.Text("python")}, {peerInfo.Text("executable")}), reference BNCNN in {PeerProcess.ScriptPath}",
                (long)peerInfo.Number("parameters"), peerGemm!.Value, peerTraining!, peerInference!);
            var report = new SideBySideReport(options, cpu, loadBefore, Load(), runtime.Numerics.Summary, BnCnnFlops.For(workbench.Spec),
                workbenchResult, peerResult, unavailable, check);
            Console.WriteLine();
            report.Print(Console.Out);
            if (options.Json is { } json)
            {
                report.WriteJson(json);
                Console.WriteLine($"written: {json}");
            }
            if (peerResult is not null && peerResult.Parameters != workbenchResult.Parameters) return 1;
            return check is { Passed: false } ? 1 : peer is null ? 2 : 0;
        }
        finally
        {
            peer?.Dispose();
        }
    }

    /// <summary>The peer's own training check, then its weights in the workbench on the analytic input (see <see cref="CrossCheck"/>).</summary>
    private static CrossCheck CrossCheckWith(PeerProcess peer)
    {
        Console.WriteLine("// cross-check: the peer's loss must fall; its weights in the workbench must give its outputs ...");
        var losses = peer.Send(PeerProtocol.Request("check", ("steps", CheckSteps))).Required("check").Numbers("losses");
        string path = Path.Combine(Path.GetTempPath(), $"bncnn-peer-{Environment.ProcessId}.pt");
        try
        {
            var export = peer.Send(PeerProtocol.Request("export", ("path", path), ("batch", CheckBatch), ("seed", 5))).Required("export");
            var (f64, f32, gradient) = WorkbenchSide.Compare(path, export, CheckBatch);
            return new CrossCheck(f64, f32, gradient, losses[0], losses[^1], losses.Length, export.Number("float32_output_error"),
                export.Number("float32_gradient_error"), export.Text("float32_gradient_worst") ?? "?");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Warm-up on both sides, then each repeat times the workbench and then the peer.</summary>
    private static (List<Timing> Workbench, List<Timing>? Peer) Interleaved(SideBySideOptions o, string op, Func<int, int, Timing> workbench, PeerProcess? peer)
    {
        Console.WriteLine($"// {op}: {o.Repeats} x {o.Steps} steps per side ...");
        var ours = new List<Timing>();
        var theirs = peer is null ? null : new List<Timing>();
        for (int r = 0; r < o.Repeats; r++)
        {
            int warmup = r == 0 ? o.Warmup : 0;
            ours.Add(workbench(o.Steps, warmup));
            if (peer is not null)
            {
                var answer = peer.Send(PeerProtocol.Request(op, ("batch", o.Batch), ("steps", o.Steps), ("warmup", warmup))).Required(op);
                theirs!.Add(new Timing(answer.Number("seconds"), answer.Number("cpu_seconds"), o.Steps, o.Batch));
            }
            Console.WriteLine($"//   run {r + 1}: workbench {ours[^1].SamplesPerSecond:F1}" + (theirs is null ? "" : $", peer {theirs[^1].SamplesPerSecond:F1}") + " samples/s");
        }
        return (ours, theirs);
    }

    private static string Load()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
