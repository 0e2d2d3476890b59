using Workbench.Data;
using Workbench.Data.DeepRetina;
using Workbench.TestSupport;
using Workbench.Tests.Support;

namespace Workbench.Tests.Data.DeepRetina;

/// <summary>
/// Files written by h5py that are each wrong in one way, and two large good ones (committed in Fixtures/broken, written
/// by Fixtures/make_broken_files.py); truncated.h5 and truncated-contiguous.h5 are the first halves of the large ones.
/// </summary>
public sealed class BrokenFiles : IDisposable
{
    private readonly FixtureFolder _dir = new("tests", "Workbench.Tests", "Data", "DeepRetina", "Fixtures", "broken");

    public BrokenFiles()
    {
        foreach (var (whole, half) in new[] { ("big.h5", "truncated.h5"), ("big-contiguous.h5", "truncated-contiguous.h5") })
        {
            byte[] bytes = System.IO.File.ReadAllBytes(_dir.File(whole));
            System.IO.File.WriteAllBytes(_dir.File(half), bytes[..(bytes.Length / 2)]);
        }
    }

    public string File(string name) => _dir.File(name);

    public void Dispose() => _dir.Dispose();
}

/// <summary>Each way a file can be wrong gives an error naming the file, the path inside it, and expected versus found.</summary>
public class DeepRetinaBadInputTests(BrokenFiles files) : IClassFixture<BrokenFiles>
{
    private static readonly DeepRetinaReadOptions Raw = new() { Normalise = false };

    [Theory]
    [InlineData("no-test.h5", "test", "test/stimulus: expected a dataset (the stimulus movie (T, H, W)), found nothing at that path")]
    [InlineData("only-20ms.h5", "train", "train/response/firing_rate_10ms: expected the 10-ms firing rates (N, T), found only firing_rate_20ms")]
    [InlineData("length.h5", "train", "train/response/firing_rate_10ms: expected 40 bins, one per stimulus frame, found 42")]
    [InlineData("nan-rates.h5", "train", "train/response/firing_rate_10ms: expected finite values, found NaN for cell 1 at bin 17")]
    [InlineData("inf-stimulus.h5", "train", "train/stimulus: expected finite values, found Infinity at frame 9, row 2, column 3")]
    [InlineData("rank.h5", "train", "train/stimulus: expected the stimulus movie (T, H, W) of rank 3, found shape [40, 25]")]
    [InlineData("text.h5", "train", "/: expected an HDF5 file, found a file HDF5 cannot open")]
    [InlineData("truncated.h5", "train", "expected readable HDF5 data, found an error (The file is too small); the file may be truncated or corrupt")]
    [InlineData("truncated-contiguous.h5", "train", "train/stimulus: expected readable HDF5 data, found an error (The file is too small); the file may be truncated or corrupt")]
    public void BrokenFiles_AreNamedPreciselyInTheError(string name, string split, string expected)
    {
        TestTorch.Cpu();

        var e = Assert.Throws<RecordingFormatException>(() => DeepRetinaFile.Read(files.File(name), split, Raw));

        Assert.StartsWith($"{files.File(name)}: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void UnknownCellIndex_IsNamedWithTheValidRange()
    {
        var e = Assert.Throws<ArgumentException>(() => DeepRetinaFile.Read(files.File("good.h5"), "train", Raw with { Cells = [0, 5] }));

        Assert.Contains("train/response/firing_rate_10ms: cell index 5 is out of range; the file has cells 0..1", e.Message);
    }

    [Fact]
    public void MissingFile_IsNamed()
    {
        var e = Assert.Throws<FileNotFoundException>(() => DeepRetinaFile.Read(files.File("absent.h5"), "train"));

        Assert.Contains("absent.h5: no such file", e.Message);
    }

    /// <summary>
    /// A 4000-frame 50×50 uint8 recording (40 MB as float32): reading it must not need much more than its float32 size —
    /// 1.2x for chunked files (streamed chunk by chunk), 1.25x for contiguous ones (their bytes, a quarter of the
    /// float32 size, are read whole: PureHDF's hyperslab path is ~20x slower there). Plus a fixed 16 MB for slab
    /// buffers and the file reader. Oracle: the kernel's peak resident-set counter (VmHWM), reset just before the read.
    /// </summary>
    [Theory]
    [InlineData("big.h5", 0.2)]
    [InlineData("big-contiguous.h5", 0.25)]
    public void Reading_PeaksNearTheFloat32SizeOfTheStimulus(string name, double overheadFraction)
    {
        TestTorch.Cpu();
        const double float32Bytes = 4000.0 * 50 * 50 * 4;
        double allowedOverhead = overheadFraction * float32Bytes + 16e6;
        using (DeepRetinaFile.Read(files.File(name), "train", Raw)) { } // warm up code paths and allocators
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = Resident("VmRSS");
        File.WriteAllText("/proc/self/clear_refs", "5"); // resets VmHWM to the current resident size

        using var recording = DeepRetinaFile.Read(files.File(name), "train", Raw);
        long peak = Resident("VmHWM");

        Assert.True(peak - before <= float32Bytes + allowedOverhead, $"peak grew by {(peak - before) / 1e6:F1} MB for a {float32Bytes / 1e6:F0} MB stimulus");
        Assert.Equal(4000, recording.Frames);
    }

    private static long Resident(string field) =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
}
