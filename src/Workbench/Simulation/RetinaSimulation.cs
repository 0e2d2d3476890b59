using System.Diagnostics;
using TorchSharp;
using Workbench.Data;
using Workbench.Data.DeepRetina;
using Workbench.Data.Interneurons;
using static TorchSharp.torch;

namespace Workbench.Simulation;

/// <summary>What a simulation wrote and how the cells behaved.</summary>
/// <param name="Directory">The output folder.</param>
/// <param name="Files">Full paths of naturalscene.h5, whitenoise.h5, interneurons.h5 and ground-truth.json.</param>
/// <param name="Truth">The ground truth (also in ground-truth.json).</param>
/// <param name="NaturalSceneRates">Each cell's mean rate over the natural-scene training stimulus, Hz.</param>
/// <param name="WhiteNoiseRates">Each cell's mean rate over the white-noise training stimulus, Hz.</param>
/// <param name="Duration">Wall time.</param>
public sealed record SimulationOutcome(string Directory, IReadOnlyList<string> Files, GroundTruth Truth,
    IReadOnlyList<double> NaturalSceneRates, IReadOnlyList<double> WhiteNoiseRates, TimeSpan Duration)
{
    /// <summary>True when <see cref="SimulationCache"/> returned an earlier, verified simulation instead of running one.</summary>
    public bool Reused { get; init; }
}

/// <summary>
/// Runs the synthetic retina on a preset's stimuli and writes a data set in the deep-retina layout:
/// <c>naturalscene.h5</c> and <c>whitenoise.h5</c> (train: one trial; test: repeats with independent Poisson noise;
/// natural scenes also record the eye's path as <c>train|test/eye/{image,row,column}</c>),
/// <c>interneurons.h5</c> (bipolar and amacrine potentials on a separate white-noise stimulus) and
/// <c>ground-truth.json</c>. Everything follows from the seed.
/// </summary>
public static class RetinaSimulation
{
    /// <summary>Output file names.</summary>
    public const string NaturalSceneFileName = "naturalscene.h5", WhiteNoiseFileName = "whitenoise.h5", InterneuronFileName = "interneurons.h5", GroundTruthFileName = "ground-truth.json";

    /// <summary>Firing-rate estimates written (Gaussian sigma in ms).</summary>
    public static readonly int[] RateEstimatesMs = [5, 10, 20];

    /// <summary>Measurement noise added to interneuron potentials, as a fraction of each unit's signal standard deviation.</summary>
    public const double InterneuronNoise = 0.1;

    /// <summary>The four output files, in the order they are committed (the ground truth, which describes the set, last).</summary>
    public static readonly IReadOnlyList<string> FileNames = [NaturalSceneFileName, WhiteNoiseFileName, InterneuronFileName, GroundTruthFileName];

    /// <summary>Simulates <paramref name="preset"/> with <paramref name="seed"/> into <paramref name="directory"/>.</summary>
    /// <remarks>
    /// The files are written into a hidden staging folder inside <paramref name="directory"/> and moved into place only
    /// when all four are complete, so an earlier simulation there (or damaged files of the same names) stays untouched if
    /// this one fails or is stopped, and is replaced as a set if it succeeds: the old <c>ground-truth.json</c> is removed
    /// first and the new one moved last, so even a crash between the renames leaves no ground truth claiming a mixed set.
    /// Other files in the folder are left alone.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is a file, or one of the output names is a folder in it.</exception>
    public static SimulationOutcome Run(SimulationPreset preset, int seed, string directory, IProgress<ProgressReport>? progress = null)
    {
        string target = Path.GetFullPath(directory);
        if (File.Exists(target)) throw new ArgumentException($"{directory}: is a file; the simulation needs a folder to write into.", nameof(directory));
        foreach (string name in FileNames.Where(n => Directory.Exists(Path.Combine(target, n))))
            throw new ArgumentException($"{Path.Combine(target, name)}: is a folder; the simulation cannot replace it with its {name}.", nameof(directory));
        Directory.CreateDirectory(target);
        string staging = Path.Combine(target, $".simulate.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(staging);
        try
        {
            var outcome = Simulate(preset, seed, staging, progress);
            File.Delete(Path.Combine(target, GroundTruthFileName));
            foreach (string name in FileNames) File.Move(Path.Combine(staging, name), Path.Combine(target, name), overwrite: true);
            progress?.Report(new ProgressReport("done", 1));
            return outcome with { Directory = target, Files = FileNames.Select(n => Path.Combine(target, n)).ToList() };
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    private static SimulationOutcome Simulate(SimulationPreset preset, int seed, string directory, IProgress<ProgressReport>? progress)
    {
        var clock = Stopwatch.StartNew();
        void Report(string stage, double fraction) => progress?.Report(new ProgressReport(stage, fraction));
        Report("building the retina", 0);
        var config = RetinaBuilder.Build(preset, seed);
        using var retina = new SyntheticRetina(config);
        int grid = preset.Grid;
        var random = new Random(seed);
        var generator = new Generator((ulong)seed * 7 + 1);

        Report("drawing natural images", 0.05);
        int testImages = Math.Max(2, preset.Images / 5);
        var images = Enumerable.Range(0, preset.Images + testImages)
            .Select(_ => NaturalImages.ToContrast(NaturalImages.DeadLeaves(preset.ImageSize, random)).DetachFromDisposeScope()).ToList();
        var trainImages = images.Take(preset.Images).ToList();
        var heldOutImages = images.Skip(preset.Images).ToList();

        // Fractions of the work (by frames simulated) each stage takes, for the progress bar.
        double ns = SimulationPreset.Frames(preset.NaturalTrainSeconds), wn = SimulationPreset.Frames(preset.WhiteNoiseTrainSeconds);
        double test = SimulationPreset.Frames(preset.TestSeconds), inter = SimulationPreset.Frames(preset.InterneuronSeconds);
        double total = ns + wn + 2 * test + inter;
        double done = 0.1;
        IProgress<double> Stage(string name, double frames)
        {
            double from = done, span = 0.85 * frames / total;
            done += span;
            return new Progress<double>(f => Report(name, from + span * f));
        }

        var (naturalTrain, trainEye) = Natural(trainImages, preset, SimulationPreset.Frames(preset.NaturalTrainSeconds), random);
        var (naturalTest, testEye) = Natural(heldOutImages, preset, SimulationPreset.Frames(preset.TestSeconds), random);
        var naturalFile = Path.Combine(directory, NaturalSceneFileName);
        var naturalRates = Record(retina, naturalTrain, naturalTest, preset, generator, naturalFile,
            Stage("natural scenes: training stimulus", ns), Stage("natural scenes: test stimulus", test), "naturalscene", seed, trainEye, testEye);
        naturalTrain.Dispose();
        naturalTest.Dispose();
        foreach (var t in trainEye.Values.Concat(testEye.Values)) t.Dispose();
        foreach (var image in images) image.Dispose();

        var noiseTrain = WhiteNoise.StoredMovie(preset.WhiteNoise, SimulationPreset.Frames(preset.WhiteNoiseTrainSeconds), grid, grid, generator);
        var noiseTest = WhiteNoise.StoredMovie(preset.WhiteNoise, SimulationPreset.Frames(preset.TestSeconds), grid, grid, generator);
        var noiseFile = Path.Combine(directory, WhiteNoiseFileName);
        var noiseRates = Record(retina, noiseTrain, noiseTest, preset, generator, noiseFile,
            Stage("white noise: training stimulus", wn), Stage("white noise: test stimulus", test), "whitenoise", seed);
        noiseTrain.Dispose();
        noiseTest.Dispose();

        var interneuronFile = Path.Combine(directory, InterneuronFileName);
        Interneurons(retina, preset, generator, interneuronFile, Stage("interneurons", inter));

        Report("writing the ground truth", 0.97);
        var truth = new GroundTruth(preset.Name, seed, config,
            config.Pathways.ToDictionary(p => p.Kinetics.ToString().ToLowerInvariant(), p => Filters.Temporal(p, config.TemporalTaps, config.FramePeriod)),
            [
                new StimulusTruth("natural scenes", preset.NaturalTrainSeconds, preset.TestSeconds, preset.Repeats,
                    $"{preset.Images} dead-leaves images of {preset.ImageSize}x{preset.ImageSize} for training and {testImages} held-out ones for the test; " +
                    $"RMS contrast 0.35; eye drift {preset.Eye.DriftStep} checkers per frame (random walk, bilinear sampling), " +
                    $"a saccade every {preset.Eye.SaccadeInterval} s, a new image every {preset.Eye.SaccadesPerImage} saccades"),
                new StimulusTruth("white noise", preset.WhiteNoiseTrainSeconds, preset.TestSeconds, preset.Repeats,
                    $"{preset.WhiteNoise.Kind} checkerboard, contrast {preset.WhiteNoise.Contrast}, each frame held {preset.WhiteNoise.HoldFrames} bins"),
                new StimulusTruth("interneuron white noise", preset.InterneuronSeconds, 0, 0,
                    $"{preset.InterneuronNoise.Kind} checkerboard, contrast {preset.InterneuronNoise.Contrast}, held {preset.InterneuronNoise.HoldFrames} bins; " +
                    $"potentials are pre-rectification signals plus {InterneuronNoise:P0} Gaussian measurement noise, mean removed, x10"),
            ],
            new Dictionary<string, string>
            {
                [NaturalSceneFileName] = "natural-scene recording, deep-retina layout",
                [WhiteNoiseFileName] = "white-noise recording, deep-retina layout",
                [InterneuronFileName] = "interneuron potentials on a separate white-noise stimulus",
            });
        string truthFile = Path.Combine(directory, GroundTruthFileName);
        truth.Save(truthFile);
        return new SimulationOutcome(Path.GetFullPath(directory), [naturalFile, noiseFile, interneuronFile, truthFile], truth,
            naturalRates, noiseRates, clock.Elapsed);
    }

    /// <summary>
    /// A natural-scene movie in stored units, built in segments so the float movie never exists whole, with the eye's
    /// path: image index, and the window's row and column in it, per frame.
    /// </summary>
    private static (Tensor Stored, Dictionary<string, Tensor> Eye) Natural(IReadOnlyList<Tensor> images, SimulationPreset preset, long frames, Random random)
    {
        var stored = torch.empty(new long[] { frames, preset.Grid, preset.Grid }, torch.uint8);
        var image = new List<int>();
        var row = new List<float>();
        var column = new List<float>();
        long segment = SimulationPreset.Frames(preset.Eye.SaccadeInterval) * 100;
        for (long start = 0; start < frames; start += segment)
        {
            using var scope = torch.NewDisposeScope();
            long n = Math.Min(segment, frames - start);
            using var movie = NaturalMovie.Create(images, preset.Eye, n, preset.Grid, preset.Grid, SimulationPreset.FramePeriod, random);
            stored.narrow(0, start, n).copy_(StimulusEncoding.ToStored(movie.Movie));
            image.AddRange(movie.Image);
            row.AddRange(movie.Row);
            column.AddRange(movie.Column);
        }
        var eye = new Dictionary<string, Tensor>
        {
            ["eye/image"] = torch.tensor(image.ToArray()).DetachFromDisposeScope(),
            ["eye/row"] = torch.tensor(row.ToArray()).DetachFromDisposeScope(),
            ["eye/column"] = torch.tensor(column.ToArray()).DetachFromDisposeScope(),
        };
        return (stored, eye);
    }

    /// <summary>Simulates a train and a test stimulus, draws spikes, writes the file; returns each cell's mean training rate.</summary>
    private static double[] Record(SyntheticRetina retina, Tensor train, Tensor test, SimulationPreset preset, Generator generator, string path,
        IProgress<double> trainProgress, IProgress<double> testProgress, string name, int seed,
        IReadOnlyDictionary<string, Tensor>? trainExtras = null, IReadOnlyDictionary<string, Tensor>? testExtras = null)
    {
        double dt = SimulationPreset.FramePeriod;
        using var trainResponse = retina.Simulate(train, progress: trainProgress);
        using var testResponse = retina.Simulate(test, progress: testProgress);
        using var scope = torch.NewDisposeScope();
        var trainCounts = SpikeTrains.Poisson(trainResponse.Rates, dt, 1, generator); // (1, T, N)
        var testCounts = SpikeTrains.Poisson(testResponse.Rates, dt, preset.Repeats, generator); // (R, T, N)
        var trainRates = RateEstimatesMs.ToDictionary(ms => ms, ms => SpikeTrains.Smooth(trainCounts, dt, ms / 1000.0)[0].t());
        var testTrials = RateEstimatesMs.ToDictionary(ms => ms, ms => SpikeTrains.Smooth(testCounts, dt, ms / 1000.0).permute(0, 2, 1)); // (R, N, T)
        var content = new DeepRetinaContent(
            new DeepRetinaSplit(train, trainRates, Binned: trainCounts[0].t(), Extras: trainExtras),
            new DeepRetinaSplit(test, testTrials.ToDictionary(kv => kv.Key, kv => kv.Value.mean([0])), Binned: testCounts[0].t(),
                RepeatRates: testTrials, RepeatCells: testTrials[10], Extras: testExtras),
            dt,
            Attributes: new Dictionary<string, string>
            {
                ["source"] = $"retina-workbench synthetic retina, preset {preset.Name}, seed {seed}",
                ["stimulus"] = name,
                ["ground_truth"] = GroundTruthFileName,
            });
        DeepRetinaWriter.Write(path, content, new DeepRetinaWriteOptions(ChunkFrames: 1000, Deflate: true));
        return trainResponse.Rates.mean([0]).to(torch.float64).data<double>().ToArray();
    }

    private static void Interneurons(SyntheticRetina retina, SimulationPreset preset, Generator generator, string path, IProgress<double> progress)
    {
        var units = retina.Config.Interneurons;
        using var scope = torch.NewDisposeScope();
        var stimulus = WhiteNoise.StoredMovie(preset.InterneuronNoise, SimulationPreset.Frames(preset.InterneuronSeconds), preset.Grid, preset.Grid, generator);
        using var response = retina.Simulate(stimulus, interneurons: true, progress: progress);
        var signals = response.Interneurons ?? torch.zeros(new long[] { stimulus.shape[0], 0 });
        var noisy = signals + torch.randn(signals.shape, generator: generator) * (signals.std([0]) * InterneuronNoise);
        var potentials = (noisy - noisy.mean([0])) * 10;
        var cells = units.Select(u => new InterneuronCell(u.Index, $"{u.Layer} {u.Type}", u.Row, u.Column)).ToList();
        using var record = new InterneuronStimulus("whitenoise", stimulus, potentials, cells);
        InterneuronFile.Write(path, [record]);
    }
}
