using TorchSharp;
using Workbench.Data.DeepRetina;
using Workbench.Data.Interneurons;
using Workbench.Metrics;
using Workbench.Simulation;
using Workbench.TestSupport;
using Workbench.Tests.Support;

namespace Workbench.Tests.Simulation;

public class RetinaSimulationTests
{
    [Fact]
    public void TinyPreset_WritesReadableFiles_ConsistentWithItsGroundTruth_AndIsDeterministic()
    {
        TestTorch.Cpu();
        using var dir = new TempDirectory();
        var reports = new List<Workbench.ProgressReport>();

        var outcome = RetinaSimulation.Run(SimulationPresets.Tiny, seed: 3, dir.File("a"), new SynchronousProgress(reports));
        var again = RetinaSimulation.Run(SimulationPresets.Tiny, seed: 3, dir.File("b"));

        // Files exist and load with the workbench's own readers.
        using var natural = DeepRetinaFile.ReadExperiment(Path.Combine(outcome.Directory, RetinaSimulation.NaturalSceneFileName));
        using var noise = DeepRetinaFile.ReadExperiment(Path.Combine(outcome.Directory, RetinaSimulation.WhiteNoiseFileName));
        using var interneurons = InterneuronFile.Read(Path.Combine(outcome.Directory, RetinaSimulation.InterneuronFileName));
        var truth = GroundTruth.Load(Path.Combine(outcome.Directory, RetinaSimulation.GroundTruthFileName));
        var preset = SimulationPresets.Tiny;
        Assert.Equal(SimulationPreset.Frames(preset.NaturalTrainSeconds), natural.Train.Frames);
        Assert.Equal([(long)preset.Repeats, SimulationPreset.Frames(preset.TestSeconds), preset.Cells], natural.Test.Repeats!.shape);
        Assert.Equal(preset.Cells, truth.Retina.Cells.Count);
        Assert.Equal(preset.BipolarSamples + preset.AmacrineSamples, interneurons["whitenoise"].Cells.Count);
        // The file's mean training rate agrees with the noiseless rate the simulator reported (Poisson noise only).
        var fileMeans = natural.Train.Rates.mean([0]).data<float>().ToArray();
        for (int c = 0; c < preset.Cells; c++)
            Assert.Equal(outcome.NaturalSceneRates[c], fileMeans[c], outcome.NaturalSceneRates[c] * 0.05 + 0.2);
        // The test rates are the mean of the repeats.
        Assert.True(natural.Test.Rates.allclose(natural.Test.Repeats.mean([0]), rtol: 1e-4, atol: 1e-3));
        // Same seed, same bytes.
        foreach (string name in new[] { RetinaSimulation.NaturalSceneFileName, RetinaSimulation.WhiteNoiseFileName, RetinaSimulation.InterneuronFileName, RetinaSimulation.GroundTruthFileName })
            Assert.Equal(File.ReadAllBytes(Path.Combine(outcome.Directory, name)), File.ReadAllBytes(Path.Combine(again.Directory, name)));
        // Progress rises to 1 through named stages.
        Assert.Equal(1.0, reports[^1].Fraction);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.Second.Fraction >= p.First.Fraction - 1e-9));
        Assert.Contains(reports, r => r.Stage.StartsWith("natural scenes"));
    }

    /// <summary>Single trials are noisy (jackknife oracle well below 1) while the trial average is more reliable (a higher ceiling).</summary>
    [Fact]
    public void SimulatedReliability_IsWellBelowOneForSingleTrials_ButTheTrialAverageIsReliable()
    {
        TestTorch.Cpu();
        using var dir = new TempDirectory();
        var outcome = RetinaSimulation.Run(SimulationPresets.Tiny, seed: 4, dir.Path);
        using var natural = DeepRetinaFile.ReadExperiment(Path.Combine(outcome.Directory, RetinaSimulation.NaturalSceneFileName));

        var oracle = Reliability.OracleJackknife(natural.Test.Repeats!);
        var ceiling = Reliability.Ceiling(natural.Test.Repeats!);

        Assert.All(oracle, r => Assert.InRange(r, 0.2, 0.95));
        Assert.All(ceiling.Zip(oracle), p => Assert.True(p.First > p.Second, $"ceiling {p.First:F2} vs single-trial oracle {p.Second:F2}"));
    }

    private sealed class SynchronousProgress(List<Workbench.ProgressReport> reports) : IProgress<Workbench.ProgressReport>
    {
        public void Report(Workbench.ProgressReport value) => reports.Add(value);
    }
}
