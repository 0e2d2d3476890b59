using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using Workbench.Cli.CommandLine;
using Workbench.Runtime;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench env</c>: what the workbench found on this machine, and a check that torch really computes.</summary>
public sealed class EnvCommand : ICommand
{
    /// <inheritdoc/>
    public string Name => "env";

    /// <inheritdoc/>
    public string Summary => "Report versions, device, threads and the native-library check; verify torch runs.";

    /// <inheritdoc/>
    public string Help => """
        Usage: workbench env [--device auto|cpu|cuda|cuda:N] [--json]

        Prints the workbench, TorchSharp and libtorch versions, the device a run would use, the CPU threads, and what
        the GLIBCXX compatibility check found (and did). Then runs a convolution forward and backward pass on that
        device to prove torch works. Exit code 1 if it does not.

          --device D   device to check (default: WORKBENCH_DEVICE, else auto)
          --json       print the report as JSON
        """;

    /// <inheritdoc/>
    public int Run(IReadOnlyList<string> args)
    {
        var a = new Arguments(args, Name, ["json"], ["device"]);
        var report = TorchRuntime.Initialize(new RuntimeOptions { Device = a.Option("device") });
        var clock = Stopwatch.StartNew();
        double gradNorm = ConvolutionCheck(report.Device);
        string check = $"conv2d forward+backward on {report.Device}: ok ({clock.Elapsed.TotalMilliseconds:F0} ms, |grad| = {gradNorm:F4})";
        if (a.Flag("json"))
        {
            var json = report.Rows().ToDictionary(r => r.Name, r => r.Value);
            json["check"] = check;
            Console.WriteLine(JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
        }
        else
        {
            Console.WriteLine(report);
            Console.WriteLine($"{"torch check",-13} {check}");
        }
        return double.IsFinite(gradNorm) && gradNorm > 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static double ConvolutionCheck(torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        var conv = torch.nn.Conv2d(2, 3, 3).to(device);
        var x = torch.ones(new long[] { 1, 2, 8, 8 }, device: device);
        conv.call(x).square().sum().backward();
        return conv.weight!.grad!.norm().item<float>();
    }
}
