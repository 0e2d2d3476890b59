using System.Diagnostics;
using Workbench.Data;
using Workbench.Data.DeepRetina;
using Workbench.Metrics;
using Workbench.Models;
using Workbench.Simulation;
using Workbench.Tests.Support;
using Workbench.Training;

namespace Workbench.Tests.Analysis;

/// <summary>
/// The tiny preset simulated once (seed <see cref="SimulationSeed"/>, through <see cref="SimulationCache"/>: the quick
/// notebooks ask for the same preset and seed, so a run made by the same library build is reused) and a BN-CNN fitted to its natural-scene training
/// recording (seed <see cref="TrainingSeed"/>, <see cref="TestTorch.Threads"/> threads, a fixed budget of
/// <see cref="Options"/>), shared by the ground-truth checks of a test class, which only read them.
/// </summary>
public sealed class TrainedTinyRetina : IDisposable
{
    /// <summary>Seed of the simulation (the notebooks' default).</summary>
    public const int SimulationSeed = 1;

    /// <summary>Seed of the BN-CNN's initialisation and batch order.</summary>
    public const int TrainingSeed = 1;

    /// <summary>
    /// A budget that gives a real fit on 2 cores in under a minute: the default BN-CNN and learning rate, batches of 64,
    /// 12 epochs of 75 batches (57,600 samples, about 2.7 passes over the ~21,600 training windows), no early stopping or
    /// schedule (a fixed budget is the same work on every machine). Half of it (6 x 50) was enough for the gentler retina
    /// before its retuning; on the retuned one it left the CNN at test r 0.52 and one bipolar type unmatched (34 s now).
    /// </summary>
    public static readonly TrainingOptions Options = new()
    {
        Epochs = 12, MaxBatchesPerEpoch = 75, BatchSize = 64, Schedule = ScheduleKind.None, EarlyStoppingPatience = 0, Seed = TrainingSeed,
    };

    public TrainedTinyRetina()
    {
        TestTorch.Cpu(seed: TrainingSeed);
        var clock = Stopwatch.StartNew();
        var simulated = SimulationCache.Get(SimulationPresets.Tiny, SimulationSeed);
        SimulationSeconds = clock.Elapsed.TotalSeconds;
        SimulationReused = simulated.Reused;
        SimulationDirectory = simulated.Directory;
        Data = DeepRetinaFile.ReadExperiment(Path.Combine(SimulationDirectory, RetinaSimulation.NaturalSceneFileName));
        clock.Restart();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var fit = Fitting.Fit(Data.Train, ModelKind.BnCnn, Options);
        TrainingSeconds = clock.Elapsed.TotalSeconds;
        TrainingCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        fit.Training!.ThrowIfDiverged();
        Model = fit.Model;
        Training = fit.Training;
        using var predictions = Predictions.For(Model, Data.Test);
        Evaluation = ModelEvaluation.Of("BN-CNN", predictions, Data.Test, Options.History);
    }

    /// <summary>The simulation's folder (naturalscene.h5, interneurons.h5, ground-truth.json …).</summary>
    public string SimulationDirectory { get; }

    /// <summary>The natural-scene recording, train and test.</summary>
    public DeepRetinaExperiment Data { get; }

    /// <summary>The fitted BN-CNN (eval mode, CPU).</summary>
    public RetinaModel Model { get; }

    /// <summary>How the training went.</summary>
    public TrainingResult Training { get; }

    /// <summary>Held-out natural-scene correlation per cell.</summary>
    public ModelEvaluation Evaluation { get; }

    public double SimulationSeconds { get; }
    public bool SimulationReused { get; }
    public double TrainingSeconds { get; }

    /// <summary>CPU time of the training (all threads): with other processes on the cores, wall time overstates the cost.</summary>
    public double TrainingCpuSeconds { get; }

    /// <summary>One line for test output: what was trained and how well.</summary>
    public string Summary =>
        $"tiny preset {(SimulationReused ? "reused from the cache" : "simulated")} in {SimulationSeconds:F1} s; BN-CNN trained in {TrainingSeconds:F1} s ({TrainingCpuSeconds:F0} CPU s; {Training.Status}, best epoch {Training.BestEpoch}, " +
        $"validation r {Training.BestValidationCorrelation:F3}); test r mean {Evaluation.MeanCorrelation:F3} " +
        $"(cells {string.Join(" ", Evaluation.Cells.Select(c => c.Correlation.ToString("F3")))}; ceiling {Evaluation.MeanCeiling:F3})";

    public void Dispose()
    {
        Model.Dispose();
        Data.Dispose();
    }
}
