using Workbench.Runtime;
using Workbench.Simulation;
using Workbench.TestSupport;

namespace Workbench.Cli.Tests.Support;

/// <summary>
/// A small simulated recording for tests that train through the CLI or a notebook: the tiny preset's 32x32 checkers (big
/// enough for the BN-CNN's two convolutions) with 2 cells and 30 s of natural scenes, simulated once per test class.
/// </summary>
public sealed class MicroRetina : IDisposable
{
    /// <summary>The preset: tiny, shortened.</summary>
    public static readonly SimulationPreset Preset = SimulationPresets.Tiny with
    {
        Name = "micro32", Cells = 2, NaturalTrainSeconds = 30, WhiteNoiseTrainSeconds = 2, TestSeconds = 5, Repeats = 2, InterneuronSeconds = 1,
        BipolarSamples = 2, AmacrineSamples = 1, Images = 2,
    };

    private readonly TempDirectory _dir = new();
    private readonly Lazy<string> _bnCnnRun;

    public MicroRetina()
    {
        TorchRuntime.Initialize(new RuntimeOptions { Device = "cpu", Threads = 2 });
        NaturalScenes = RetinaSimulation.Run(Preset, seed: 2, _dir.Path).Files[0];
        _bnCnnRun = new Lazy<string>(TrainBnCnn, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>naturalscene.h5.</summary>
    public string NaturalScenes { get; }

    /// <summary>interneurons.h5 of the same simulation.</summary>
    public string Interneurons => Path.Combine(Path.GetDirectoryName(NaturalScenes)!, RetinaSimulation.InterneuronFileName);

    /// <summary>
    /// A run directory with a BN-CNN trained through the CLI for two batches (seed 1), made on first use and shared by the
    /// class's tests, which only read it.
    /// </summary>
    public string BnCnnRun => _bnCnnRun.Value;

    private string TrainBnCnn()
    {
        string run = Path.Combine(_dir.Path, "bncnn-run");
        var trained = InProcessCli.Run(TimeSpan.FromSeconds(60), "train", "--data", NaturalScenes, "--model", "bncnn", "--out", run, "--epochs", "1",
            "--batches-per-epoch", "2", "--batch", "32", "--threads", "1", "--seed", "1");
        if (trained.Value?.ExitCode != 0)
            throw new InvalidOperationException($"Training the micro retina's BN-CNN failed: {trained.Error} {trained.Value?.StandardError}");
        return run;
    }

    public void Dispose() => _dir.Dispose();
}
