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

    public MicroRetina()
    {
        TorchRuntime.Initialize(new RuntimeOptions { Device = "cpu", Threads = 2 });
        NaturalScenes = RetinaSimulation.Run(Preset, seed: 2, _dir.Path).Files[0];
    }

    /// <summary>naturalscene.h5.</summary>
    public string NaturalScenes { get; }

    public void Dispose() => _dir.Dispose();
}
