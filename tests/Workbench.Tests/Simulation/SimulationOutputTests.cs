using Workbench.Simulation;
using Workbench.TestSupport;
using Workbench.Tests.Support;

namespace Workbench.Tests.Simulation;

/// <summary>A simulation replaces earlier output in its folder as a whole, or not at all.</summary>
public class SimulationOutputTests
{
    /// <summary>
    /// A run that fails after its three HDF5 files are written (here: a progress callback that throws when the ground
    /// truth is about to be written) leaves the folder's earlier files byte for byte as they were (the oracle: their
    /// bytes before the run), the user's other files too, and no staging folder behind.
    /// </summary>
    [Fact]
    public void ARunThatFails_LeavesTheEarlierOutputUntouched()
    {
        TestTorch.Cpu();
        using var dir = new TempDirectory();
        var before = RetinaSimulation.FileNames.Append("notes.txt").ToDictionary(n => n, n => System.Text.Encoding.UTF8.GetBytes($"earlier {n}"));
        foreach (var (name, bytes) in before) File.WriteAllBytes(dir.File(name), bytes);

        var e = Assert.Throws<InvalidOperationException>(() =>
            RetinaSimulation.Run(SimulationPresets.Tiny, seed: 6, dir.Path, new FailAt("writing the ground truth")));

        Assert.Equal("stopped at writing the ground truth", e.Message);
        foreach (var (name, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(dir.File(name)));
        Assert.Equal(before.Keys.Order(), Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName).Order());
    }

    private sealed class FailAt(string stage) : IProgress<Workbench.ProgressReport>
    {
        public void Report(Workbench.ProgressReport value)
        {
            if (value.Stage == stage) throw new InvalidOperationException($"stopped at {stage}");
        }
    }
}
