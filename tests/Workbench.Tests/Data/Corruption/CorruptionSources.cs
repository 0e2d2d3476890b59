using TorchSharp;
using Workbench.Data;
using Workbench.Data.DeepRetina;
using Workbench.Data.Interneurons;
using Workbench.Models;
using Workbench.Simulation;
using Workbench.TestSupport;
using Workbench.TestSupport.Corruption;

namespace Workbench.Tests.Data.Corruption;

/// <summary>What a source file is, which decides the entry points it goes through.</summary>
public enum SourceKind
{
    /// <summary>A recording in the deep-retina layout.</summary>
    DeepRetina,
    /// <summary>An interneuron file.</summary>
    Interneurons,
    /// <summary>A checkpoint's weights (its sidecar intact next to it).</summary>
    Weights,
    /// <summary>A checkpoint's JSON sidecar (its weights intact next to it).</summary>
    Sidecar,
    /// <summary>A simulation's ground-truth.json.</summary>
    GroundTruth,
    /// <summary>A dataset manifest.</summary>
    Manifest,
    /// <summary>A TorchScript module saved by PyTorch (an external model).</summary>
    TorchScript,
}

/// <summary>One intact file the corpus damages.</summary>
/// <param name="Name">Its name in test output and file names.</param>
/// <param name="Kind">What it is.</param>
/// <param name="Path">The intact file.</param>
/// <param name="Landmarks">Where its structures start (HDF5 files), for cuts and flips right at them.</param>
/// <param name="Seed">Seed of its flip patterns.</param>
public sealed record CorpusSource(string Name, SourceKind Kind, string Path, IReadOnlyList<(long Offset, string What)> Landmarks, int Seed)
{
    /// <summary>Every damaged copy.</summary>
    public IReadOnlyList<Damage> Damages() => CorruptionCorpus.All(File.ReadAllBytes(Path), Landmarks, Seed);

    /// <summary>The name damaged copies are written under (a sidecar must end in .weights.json).</summary>
    public string FileName => System.IO.Path.GetFileName(Path);
}

/// <summary>
/// The corpus's intact sources: the committed h5py fixtures (tests/Workbench.Tests/Data/Corruption/Fixtures, written by
/// make_corruption_fixtures.py as the reference writes its files), files our own writers make here, a checkpoint, a
/// ground truth and a manifest. Every value follows the formulas in the fixture script, so intact files can be checked
/// against them (CorpusFixturesTests).
/// </summary>
public sealed class CorruptionSources : IDisposable
{
    /// <summary>The committed fixtures' folder.</summary>
    public static string FixtureFolder => RepositoryPaths.Of("tests", "Workbench.Tests", "Data", "Corruption", "Fixtures");

    /// <summary>Sizes of the recordings, as in the fixture script.</summary>
    public const int TrainFrames = 600, TestFrames = 60, Cells = 3, Repeats = 3;

    private readonly TempDirectory _dir = new();

    public CorruptionSources()
    {
        Support.TestTorch.Cpu(seed: 11);
        Directory.CreateDirectory(_dir.File("sources"));
        var sources = new List<CorpusSource>();
        string structure = System.IO.Path.Combine(FixtureFolder, "structure.json");
        int seed = 1;
        foreach (var (name, kind) in new[] { ("h5py-chunked-gzip-float64.h5", SourceKind.DeepRetina), ("h5py-contiguous-uint8.h5", SourceKind.DeepRetina), ("h5py-interneurons.h5", SourceKind.Interneurons) })
        {
            string path = System.IO.Path.Combine(FixtureFolder, name);
            sources.Add(new CorpusSource(System.IO.Path.GetFileNameWithoutExtension(name), kind, path, Landmarks(path, Hdf5Landmarks.Recorded(structure, name)), seed++));
        }
        string chunked = Source("writer-chunked-shuffle-deflate-uint8.h5");
        DeepRetinaWriter.Write(chunked, Recording(torch.uint8, pooledRepeats: true), new DeepRetinaWriteOptions(ChunkFrames: 25, Deflate: true, Shuffle: true));
        sources.Add(new CorpusSource("writer-chunked-shuffle-deflate-uint8", SourceKind.DeepRetina, chunked, Landmarks(chunked, []), seed++));
        string contiguous = Source("writer-contiguous-float32.h5");
        DeepRetinaWriter.Write(contiguous, Recording(torch.float32, pooledRepeats: false));
        sources.Add(new CorpusSource("writer-contiguous-float32", SourceKind.DeepRetina, contiguous, Landmarks(contiguous, []), seed++));
        string interneurons = Source("writer-interneurons.h5");
        WriteInterneurons(interneurons);
        sources.Add(new CorpusSource("writer-interneurons", SourceKind.Interneurons, interneurons, Landmarks(interneurons, []), seed++));
        string weights = Source("best.weights");
        WriteCheckpoint(weights);
        sources.Add(new CorpusSource("checkpoint-weights", SourceKind.Weights, weights, [], seed++));
        sources.Add(new CorpusSource("checkpoint-sidecar", SourceKind.Sidecar, Checkpoint.SidecarOf(weights), [], seed++));
        string truth = Source(RetinaSimulation.GroundTruthFileName);
        WriteGroundTruth(truth);
        sources.Add(new CorpusSource("ground-truth", SourceKind.GroundTruth, truth, [], seed++));
        sources.Add(new CorpusSource("manifest", SourceKind.Manifest, RepositoryPaths.Of("data-manifests", "demo-tdr-data.json"), [], seed++));
        sources.Add(new CorpusSource("torchscript", SourceKind.TorchScript, RepositoryPaths.Of("tests", "Workbench.Tests", "Models", "Fixtures", "tiny_cnn.pt"), [], seed));
        All = sources;
    }

    /// <summary>Every source.</summary>
    public IReadOnlyList<CorpusSource> All { get; }

    /// <summary>The source called <paramref name="name"/>.</summary>
    public CorpusSource this[string name] => All.Single(s => s.Name == name);

    /// <summary>A fresh folder for damaged copies.</summary>
    public string Scratch(string name)
    {
        string path = _dir.File($"cases-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    private string Source(string name) => System.IO.Path.Combine(_dir.Path, "sources", name);

    /// <summary>Recorded offsets plus every signature found in the bytes.</summary>
    private static IReadOnlyList<(long, string)> Landmarks(string path, IReadOnlyList<(long Offset, string What)> recorded) =>
        recorded.Concat(Hdf5Landmarks.Scan(File.ReadAllBytes(path))).DistinctBy(l => l.Offset).OrderBy(l => l.Offset).ToList();

    /// <summary>stimulus[t, y, x] = (7t + 3y + x) mod 251 (+0.25 as float), as in make_corruption_fixtures.py.</summary>
    public static torch.Tensor Stimulus(long frames, long size, torch.ScalarType type)
    {
        var t = torch.arange(frames, torch.int64).view(-1, 1, 1);
        var y = torch.arange(size, torch.int64).view(1, -1, 1);
        var x = torch.arange(size, torch.int64).view(1, 1, -1);
        var v = (7 * t + 3 * y + x).remainder(251);
        return type == torch.uint8 ? v.to(torch.uint8) : v.to(type) + 0.25;
    }

    /// <summary>firing_rate_10ms[n, t] = 0.5 (n + 1) + 0.01 t, (N, T) float64.</summary>
    public static torch.Tensor Rates(long frames)
    {
        var n = torch.arange(Cells, torch.float64).view(-1, 1);
        var t = torch.arange(frames, torch.float64).view(1, -1);
        return 0.5 * (n + 1) + 0.01 * t;
    }

    /// <summary>binned[n, t] = (t (n + 1)) mod 3, (N, T) float64.</summary>
    public static torch.Tensor Binned(long frames)
    {
        var n = torch.arange(Cells, torch.int64).view(-1, 1);
        var t = torch.arange(frames, torch.int64).view(1, -1);
        return (t * (n + 1)).remainder(3).to(torch.float64);
    }

    /// <summary>repeats[r, n, t] = rates[n, t] + r, (R, N, T).</summary>
    public static torch.Tensor RepeatRates(long frames) => torch.stack(Enumerable.Range(0, Repeats).Select(r => Rates(frames) + r).ToArray());

    private static DeepRetinaContent Recording(torch.ScalarType stimulusType, bool pooledRepeats)
    {
        var repeats = RepeatRates(TestFrames);
        return new DeepRetinaContent(
            new DeepRetinaSplit(Stimulus(TrainFrames, 6, stimulusType), new Dictionary<int, torch.Tensor> { [10] = Rates(TrainFrames) }, Binned(TrainFrames)),
            new DeepRetinaSplit(Stimulus(TestFrames, 6, stimulusType), new Dictionary<int, torch.Tensor> { [10] = Rates(TestFrames) }, Binned(TestFrames),
                RepeatRates: pooledRepeats ? new Dictionary<int, torch.Tensor> { [10] = repeats } : null,
                RepeatCells: pooledRepeats ? null : repeats));
    }

    private static void WriteInterneurons(string path)
    {
        var t = torch.arange(200, torch.int64).view(-1, 1, 1);
        var y = torch.arange(6, torch.int64).view(1, -1, 1);
        var x = torch.arange(6, torch.int64).view(1, 1, -1);
        var stimulus = (5 * t + 2 * y + 3 * x).remainder(17).to(torch.uint8);
        var n = torch.arange(4, torch.float64).view(1, -1);
        var potentials = (0.25 * (n + 1) - 0.001 * torch.arange(200, torch.float64).view(-1, 1)).to(torch.float32);
        var cells = new[] { new InterneuronCell(0, "bipolar ON", 1, 2), new InterneuronCell(1, "bipolar OFF", 3, 4), new InterneuronCell(2, "amacrine ON", 2, 2), new InterneuronCell(3, "amacrine OFF", 4.5, 1.5) };
        using var s = new InterneuronStimulus("whitenoise", stimulus, potentials, cells);
        InterneuronFile.Write(path, [s]);
    }

    private static void WriteCheckpoint(string path)
    {
        var spec = new ModelSpec { Kind = ModelKind.Ln, History = 10, Height = 6, Width = 6, Cells = 2, Cutout = 5, CellPositions = [new(2, 2), new(3, 3)] };
        torch.manual_seed(5);
        using var model = RetinaModels.Create(spec);
        var cells = new[] { new CellInfo(0, "cell01", 2, 2), new CellInfo(1, "cell02", 3, 3) };
        var provenance = new RecordingProvenance("/data/naturalscene.h5", "train", "train/response/firing_rate_10ms", ["a note"]);
        Checkpoint.Save(model, path, new CheckpointInfo(spec, new StimulusNormalisation(120.5, 40.25), cells, provenance, 3, 0.5,
            new Dictionary<string, string> { ["epochs"] = "3" }) { Saved = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero) });
    }

    private static void WriteGroundTruth(string path)
    {
        var preset = SimulationPresets.Tiny;
        var config = RetinaBuilder.Build(preset, 3);
        new GroundTruth(preset.Name, 3, config,
            config.Pathways.ToDictionary(p => p.Kinetics.ToString().ToLowerInvariant(), p => Filters.Temporal(p, config.TemporalTaps, config.FramePeriod)),
            [new StimulusTruth("natural scenes", 240, 30, 5, "dead leaves")],
            new Dictionary<string, string> { ["naturalscene.h5"] = "natural scenes" }).Save(path);
    }

    public void Dispose() => _dir.Dispose();
}
