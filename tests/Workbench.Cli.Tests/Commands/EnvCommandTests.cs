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
    /// runtimes/linux-x64/native nor, on old systems, a loadable libLibTorchSharp.so by itself. The workbench handles both,
    /// and loads every libtorch library from that one folder even when the system's linker path offers another libtorch
    /// first (Debian's libtorch-dev puts libtorch_cpu.so 1.13 there; here a stand-in on LD_LIBRARY_PATH, which the linker
    /// searches before everything else). Nothing is copied into the build output (TorchSharp's fallback copies 478 MB).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void HostWithoutDepsJson_LoadsEveryLibTorchLibrary_FromTheOneNativeFolder(bool foreignLibTorchOnLinkerPath)
    {
        using var dir = new TempDirectory();
        string app = Path.Combine(dir.Path, "app");
        // Hard links: a full copy of libtorch would be 500 MB; the fix replaces its file by rename, so links stay intact.
        ExternalTool.Run("cp", "-al", AppContext.BaseDirectory, app);
        File.Delete(Path.Combine(app, "Workbench.Cli.deps.json"));
        string original = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        byte[] before = File.ReadAllBytes(original);
        var environment = new Dictionary<string, string?>();
        if (foreignLibTorchOnLinkerPath)
        {
            // Any shared library that is not libtorch, under libtorch's names: loading it by name "succeeds", then
            // TorchSharp's shim fails on missing symbols, as with Debian's 1.13.
            string foreign = Path.Combine(dir.Path, "system-lib");
            Directory.CreateDirectory(foreign);
            string stranger = ExternalTool.Run("sh", "-c", "ldconfig -p | awk '$1 == \"libz.so.1\" && /x86-64/ {print $NF; exit}'").Trim();
            Assert.True(File.Exists(stranger), $"no libz.so.1 found by ldconfig to stand in for a foreign libtorch ('{stranger}')");
            foreach (string name in new[] { "libtorch_cpu.so", "libtorch.so", "libc10.so" })
                File.CreateSymbolicLink(Path.Combine(foreign, name), stranger);
            environment["LD_LIBRARY_PATH"] = foreign;
        }

        var r = ExternalTool.Start("dotnet", [Path.Combine(app, "Workbench.Cli.dll"), "env", "--device", "cpu"], dir.Path, environment: environment);

        Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);
        Assert.Contains("torch check   ok: ", r.StandardOutput);
        string native = Path.Combine(app, "runtimes", "linux-x64", "native");
        Assert.Contains($"natives       every libtorch library from {native}", r.StandardOutput);
        Assert.False(Directory.Exists(Path.Combine(app, "cpu")), "TorchSharp fell back to copying libtorch into cpu/");
        Assert.Equal(before, File.ReadAllBytes(original));
    }

    /// <summary>
    /// When another libtorch is already in the process (here a stand-in preloaded under libtorch_cpu.so's name), the
    /// workbench refuses with an error naming that file and the folder it should have come from, instead of TorchSharp's
    /// misleading "doesn't contain a reference" and its 478 MB copy.
    /// </summary>
    [Fact]
    public void ForeignLibTorchAlreadyLoaded_IsAClearError_NamingIt()
    {
        using var dir = new TempDirectory();
        string stranger = ExternalTool.Run("sh", "-c", "ldconfig -p | awk '$1 == \"libz.so.1\" && /x86-64/ {print $NF; exit}'").Trim();
        string foreign = Path.Combine(dir.Path, "libtorch_cpu.so");
        File.Copy(stranger, foreign);

        var r = ExternalTool.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "Workbench.Cli.dll"), "env", "--device", "cpu"], dir.Path,
            environment: new Dictionary<string, string?> { ["LD_PRELOAD"] = foreign });

        Assert.NotEqual(0, r.ExitCode);
        string output = r.StandardOutput + r.StandardError;
        Assert.Contains($"libtorch must load from {Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native")}", output);
        Assert.Contains(foreign, output);
        Assert.DoesNotContain("doesn't contain a reference", output);
        Assert.False(Directory.Exists(Path.Combine(AppContext.BaseDirectory, "cpu")), "TorchSharp fell back to copying libtorch into cpu/");
    }
}
