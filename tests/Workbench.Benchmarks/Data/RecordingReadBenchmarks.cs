using BenchmarkDotNet.Attributes;
using TorchSharp;
using Workbench.Data;
using Workbench.Data.DeepRetina;

namespace Workbench.Benchmarks.Data;

/// <summary>
/// Reading the training split of a 10-minute 50×50 recording (60,000 frames: 150 MB stored as uint8, 600 MB as float32)
/// into its normalised float32 tensor, from a contiguous file and from a chunked, deflate-compressed one (1,000-frame
/// chunks, as h5py writes them), against the memory-bandwidth reference of copying that float32 tensor once.
/// Files live in the temp folder, so after the first iteration they are read from the page cache (the disk's own
/// bandwidth is reported separately in the issue note).
/// </summary>
[Config(typeof(ShortConfig))]
public class RecordingReadBenchmarks
{
    private const long Frames = 60_000;
    private string _folder = null!;
    private torch.Tensor _source = null!, _target = null!;

    /// <summary>How the stimulus is stored.</summary>
    [Params("contiguous", "chunked+deflate")]
    public string Layout { get; set; } = "contiguous";

    private string FilePath => Path.Combine(_folder, Layout == "contiguous" ? "contiguous.h5" : "chunked.h5");

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(2);
        _folder = Path.Combine(Path.GetTempPath(), "workbench-read-benchmark");
        Directory.CreateDirectory(_folder);
        if (!File.Exists(FilePath))
        {
            var generator = new torch.Generator(7);
            // Smooth, image-like content so deflate sees realistic redundancy (white noise would not compress at all).
            using var coarse = torch.rand(Frames, 1, 10, 10, generator: generator);
            using var movie = torch.nn.functional.interpolate(coarse, size: [50, 50], mode: torch.InterpolationMode.Bilinear).squeeze(1).mul(255).to(torch.uint8);
            using var rates = torch.rand(5, Frames);
            using var testStimulus = torch.zeros(1000, 50, 50, torch.uint8);
            using var testRates = torch.rand(5, 1000);
            var content = new DeepRetinaContent(
                new DeepRetinaSplit(movie, new Dictionary<int, torch.Tensor> { [10] = rates }),
                new DeepRetinaSplit(testStimulus, new Dictionary<int, torch.Tensor> { [10] = testRates }));
            DeepRetinaWriter.Write(FilePath, content, Layout == "contiguous" ? new DeepRetinaWriteOptions() : new DeepRetinaWriteOptions(1000, Deflate: true));
        }
        _source = torch.rand(Frames, 50, 50);
        _target = torch.empty(Frames, 50, 50);
    }

    /// <summary>The whole training split into a normalised float32 recording.</summary>
    [Benchmark]
    public long ReadTrainingSplit()
    {
        using var recording = DeepRetinaFile.Read(FilePath, "train", new DeepRetinaReadOptions { IncludeCounts = false, IncludeRepeats = false });
        return recording.Frames;
    }

    /// <summary>Memory-bandwidth reference: one copy of the 600 MB float32 stimulus (reads 600 MB, writes 600 MB).</summary>
    [Benchmark(Baseline = true)]
    public void CopyFloat32Stimulus() => _target.copy_(_source);

    [GlobalCleanup]
    public void Cleanup()
    {
        _source.Dispose();
        _target.Dispose();
    }
}
