using System.Text.RegularExpressions;
using Workbench.Cli.Tests.Support;
using Workbench.TestSupport;

namespace Workbench.Cli.Tests.Commands;

public class EnvCommandTests
{
    [Fact]
    public void Env_ReportsTheRuntime_AndProvesTorchComputes()
    {
        var r = WorkbenchProcess.Run(RepositoryPaths.Root, "env", "--device", "cpu");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("TorchSharp    0.107.0", r.StandardOutput);
        Assert.Matches(new Regex(@"torch check\s+conv2d forward\+backward on cpu: ok"), r.StandardOutput);
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
        Assert.Contains("conv2d forward+backward on cpu: ok", r.StandardOutput);
        Assert.Equal(before, File.ReadAllBytes(original));
    }
}
