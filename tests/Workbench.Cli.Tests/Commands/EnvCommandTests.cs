using System.Text.RegularExpressions;
using Workbench.Cli.Tests.Support;
using Workbench.TestSupport;

namespace Workbench.Cli.Tests.Commands;

public class EnvCommandTests
{
    [Fact]
    public void Env_ReportsTheRuntime_AndProvesTorchComputesTheRightNumbers()
    {
        var r = WorkbenchProcess.Run(RepositoryPaths.Root, "env", "--device", "cpu", "--cases");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("TorchSharp    0.107.0", r.StandardOutput);
        Assert.Matches(new Regex(@"torch check\s+ok: workbench convolutions use"), r.StandardOutput);
        Assert.Matches(new Regex(@"numerics\s+(verified|repaired): "), r.StandardOutput);
        // Every case of libtorch's own kernels is listed with its error, e.g. "BN-CNN layer 1 (...) forward 3.1e-07".
        Assert.Matches(new Regex(@"BN-CNN layer 1 \(2x40x22x22, 40→8, 15x15\)\s+forward\s+(\d\.\de[-+]\d\d|not finite)"), r.StandardOutput);
    }

    /// <summary>A route forced to libtorch's own kernels is checked too; where those are wrong, env fails (exit 1) and says so.</summary>
    [Fact]
    public void ForcedNativeRoute_IsCheckedAndReported()
    {
        var r = ExternalTool.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "Workbench.Cli.dll"), "env", "--device", "cpu", "--json"],
            environment: new Dictionary<string, string?> { ["WORKBENCH_CONVOLUTION_ROUTE"] = "native" });

        using var json = System.Text.Json.JsonDocument.Parse(r.StandardOutput);
        var evaluations = json.RootElement.GetProperty("evaluations");
        bool libTorchCorrect = evaluations[0].GetProperty("passed").GetBoolean();
        Assert.StartsWith("forced: route Native", json.RootElement.GetProperty("numerics").GetString());
        Assert.Equal(libTorchCorrect ? 0 : 1, r.ExitCode);
        Assert.Equal(24, evaluations[0].GetProperty("cases").GetArrayLength());
    }

    /// <summary>
    /// A host without deps.json (like a notebook kernel that loaded the build output by path) finds neither the natives in
    /// runtimes/linux-x64/native nor, on old systems, a loadable libLibTorchSharp.so by itself. The workbench handles both.
    /// </summary>
    [Fact]
    public void HostWithoutDepsJson_StillLoadsTorch_FromTheOneNativeFolder()
    {
        using var dir = new TempDirectory();
        string app = Path.Combine(dir.Path, "app");
        // Hard links: a full copy of libtorch would be 500 MB; the fix replaces its file by rename, so links stay intact.
        ExternalTool.Run("cp", "-al", AppContext.BaseDirectory, app);
        File.Delete(Path.Combine(app, "Workbench.Cli.deps.json"));
        string original = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        byte[] before = File.ReadAllBytes(original);

        var r = ExternalTool.Start("dotnet", [Path.Combine(app, "Workbench.Cli.dll"), "env", "--device", "cpu"], dir.Path);

        Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);
        Assert.Contains("torch check   ok: ", r.StandardOutput);
        Assert.Equal(before, File.ReadAllBytes(original));
    }
}
