using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;
using Workbench.Cli.CommandLine;
using Workbench.Runtime;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench env</c>: what the workbench found on this machine, and the proof that torch computes the right numbers.</summary>
public sealed class EnvCommand : ICommand
{
    /// <inheritdoc/>
    public string Name => "env";

    /// <inheritdoc/>
    public string Summary => "Report versions, device, threads and the native-library check; prove float32 convolutions are right.";

    /// <inheritdoc/>
    public string Help => $"""
        Usage: workbench env [--device auto|cpu|cuda|cuda:N] [--cases] [--json]

        Prints the workbench, TorchSharp and libtorch versions, the device a run would use, the CPU threads, what the
        GLIBCXX compatibility check found (and did), and the numerical self-check: float32 convolutions (forward, input
        gradient, weight gradient, transposed) on {NumericsCheck.Shapes.Count} shapes, among them the BN-CNN's two layers,
        against float64 references computed by an independent kernel. Where libtorch's own convolutions are wrong (as on
        AMD Zen 5 with libtorch 2.10), it shows the route the workbench's convolutions take instead, and its evidence.
        On a CUDA device the same cases also run there. Exit code 1 if no correct way to convolve was found.

          --device D   device to check (default: WORKBENCH_DEVICE, else auto)
          --cases      list every case's relative error, not only each method's worst
          --json       print the report as JSON
        """;

    /// <inheritdoc/>
    public int Run(IReadOnlyList<string> args)
    {
        var a = new Arguments(args, Name, ["json", "cases"], ["device"]);
        var report = TorchRuntime.Initialize(new RuntimeOptions { Device = a.Option("device") });
        var numerics = report.Numerics;
        var evaluations = numerics.Evaluations.ToList();
        if (report.Device.type == DeviceType.CUDA)
            evaluations.Add(NumericsCheck.Evaluate($"libtorch on {report.Device}", NumericsCheck.OnDevice(report.Device)));
        bool ok = numerics.Status != NumericsStatus.Broken
                  && !(numerics.Status == NumericsStatus.Forced && !numerics.Evaluations[^1].Passed)
                  && evaluations.Where(e => e.Method.StartsWith("libtorch on ", StringComparison.Ordinal)).All(e => e.Passed);
        string check = $"{(ok ? "ok" : "FAILED")}: {Implementation(numerics)}";
        if (a.Flag("json"))
        {
            var json = new Dictionary<string, object>();
            foreach (var (name, value) in report.Rows()) json[name] = value;
            json["check"] = check;
            json["evaluations"] = evaluations.Select(e => new
            {
                method = e.Method,
                passed = e.Passed,
                milliseconds = Math.Round(e.Elapsed.TotalMilliseconds, 1),
                cases = e.Cases.Select(c => new { shape = c.Shape, operation = c.Operation, relativeError = double.IsFinite(c.RelativeError) ? c.RelativeError : (double?)null, tolerance = c.Tolerance, passed = c.Passed }),
            });
            Console.WriteLine(JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
        }
        else
        {
            Console.WriteLine(report);
            Console.WriteLine($"{"torch check",-13} {check}");
            foreach (var e in evaluations)
            {
                Console.WriteLine($"  {e.Method,-32} {(e.Passed ? "correct" : "WRONG"),-8} {e.Describe()}, {e.Cases.Count} cases, {e.Elapsed.TotalMilliseconds:F0} ms");
                if (!a.Flag("cases")) continue;
                foreach (var c in e.Cases)
                    Console.WriteLine($"      {c.Shape,-48} {c.Operation,-16} {NumericsEvaluation.Format(c.RelativeError),-11} {(c.Passed ? "" : "WRONG")}");
            }
            if (!ok || numerics.Status != NumericsStatus.Verified) Console.WriteLine(numerics.Message);
        }
        return ok ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static string Implementation(NumericsReport numerics) => numerics.Route switch
    {
        null => "no correct way to convolve in float32 on this machine; models refuse to run",
        ConvolutionRoute.Native => "workbench convolutions use libtorch's own kernels (oneDNN on x86)" + (numerics.LibTorchCorrect ? ", verified against float64" : ", UNVERIFIED"),
        ConvolutionRoute.ChannelPadded => $"workbench convolutions use oneDNN with channels zero-padded to multiples of {Convolutions.ChannelBlock}; " +
                                          (numerics.UnroutedRoute == ConvolutionRoute.OneDnnOff ? "TorchScript models run with oneDNN off" : "TorchScript models refuse to run"),
        ConvolutionRoute.OneDnnOff => "workbench convolutions use libtorch's im2col + GEMM kernels (oneDNN off; correct, slow)",
        _ => numerics.Route.ToString()!,
    };
}
