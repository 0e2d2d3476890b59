using TorchSharp;
using Workbench.Data;
using Workbench.Data.DeepRetina;
using Workbench.TestSupport;
using Workbench.Tests.Support;

namespace Workbench.Tests.Data.DeepRetina;

/// <summary>Our writer's files read back with our reader and with h5dump (the reference HDF5 library).</summary>
public class DeepRetinaWriterTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    internal static DeepRetinaContent Content(torch.ScalarType dtype, long train = 50, long test = 20, int cells = 2, int repeats = 3)
    {
        torch.Tensor Movie(long t) => (torch.arange(t * 4 * 3, dtype: torch.float64).view(t, 4, 3) % 200 + (dtype == torch.uint8 ? 0 : 0.5)).to(dtype);
        torch.Tensor Rates(long t, double offset) => torch.arange(cells * t, dtype: torch.float32).view(cells, t) * 0.1f + (float)offset;
        var testSplit = new DeepRetinaSplit(Movie(test), new Dictionary<int, torch.Tensor> { [10] = Rates(test, 1) },
            Binned: Rates(test, 0).round(),
            RepeatRates: new Dictionary<int, torch.Tensor> { [10] = torch.stack(Enumerable.Range(0, repeats).Select(r => Rates(test, 1 + r)).ToArray()) },
            RepeatCells: torch.stack(Enumerable.Range(0, repeats).Select(r => Rates(test, 1 + r)).ToArray()));
        return new DeepRetinaContent(
            new DeepRetinaSplit(Movie(train), new Dictionary<int, torch.Tensor> { [10] = Rates(train, 2), [5] = Rates(train, 3) }, Binned: Rates(train, 0).round()),
            testSplit,
            Stas: new Dictionary<int, torch.Tensor> { [0] = torch.ones(5, 4, 3) },
            Attributes: new Dictionary<string, string> { ["source"] = "test" });
    }

    public static TheoryData<string, int, bool, bool> Layouts() => new()
    {
        { "uint8", 0, false, false }, { "uint8", 7, true, true }, { "float32", 0, false, false },
        { "float32", 16, true, false }, { "float64", 5, true, true },
    };

    private static torch.ScalarType Type(string name) => name switch { "uint8" => torch.uint8, "float32" => torch.float32, _ => torch.float64 };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void OurFiles_RoundTrip_ThroughOurReader(string dtype, int chunk, bool deflate, bool shuffle)
    {
        TestTorch.Cpu();
        var content = Content(Type(dtype));
        string path = _dir.File($"{dtype}-{chunk}.h5");

        DeepRetinaWriter.Write(path, content, new DeepRetinaWriteOptions(chunk, deflate, shuffle));
        using var experiment = DeepRetinaFile.ReadExperiment(path, new DeepRetinaReadOptions { Normalise = false });

        Assert.True(experiment.Train.Stimulus.allclose(content.Train.Stimulus.to(torch.float32), rtol: 0, atol: 0));
        Assert.True(experiment.Test.Stimulus.allclose(content.Test.Stimulus.to(torch.float32), rtol: 0, atol: 0));
        Assert.True(experiment.Train.Rates.allclose(content.Train.FiringRates[10].t(), rtol: 0, atol: 0));
        Assert.True(experiment.Test.Counts!.allclose(content.Test.Binned!.t(), rtol: 0, atol: 0));
        Assert.True(experiment.Test.Repeats!.allclose(content.Test.RepeatRates![10].permute(0, 2, 1), rtol: 0, atol: 0));
    }

    /// <summary>Oracle: h5dump, the HDF Group's tool on the reference C library, reading the file our writer made.</summary>
    [Theory]
    [MemberData(nameof(Layouts))]
    public void OurFiles_ReadTheSame_WithH5dump(string dtype, int chunk, bool deflate, bool shuffle)
    {
        TestTorch.Cpu();
        var content = Content(Type(dtype));
        string path = _dir.File($"{dtype}-{chunk}.h5");
        DeepRetinaWriter.Write(path, content, new DeepRetinaWriteOptions(chunk, deflate, shuffle));

        var stimulus = H5Dump.Dataset(path, "/train/stimulus");
        double[] values = H5Dump.Numbers(path, "/train/stimulus");
        double[] repeats = H5Dump.Numbers(path, "/test/repeats/cell02");

        string hdf5Type = dtype switch { "uint8" => "H5T_STD_U8LE", "float32" => "H5T_IEEE_F32LE", _ => "H5T_IEEE_F64LE" };
        Assert.Equal(hdf5Type, stimulus.Type);
        Assert.Equal([50L, 4, 3], stimulus.Shape);
        Assert.Equal(chunk == 0 ? null : [Math.Min(chunk, 50), 4, 3], stimulus.Chunks);
        Assert.Equal((deflate, shuffle), (stimulus.Deflate, stimulus.Shuffle));
        Assert.Equal(content.Train.Stimulus.to(torch.float64).flatten().data<double>().ToArray(), values);
        Assert.Equal([3L, 20], H5Dump.Dataset(path, "/test/repeats/cell02").Shape);
        Assert.Equal(content.Test.RepeatCells![2, 1, 7].item<float>(), repeats[2 * 20 + 7], 1e-6);
        Assert.Equal(0.03, H5Dump.Numbers(path, "/train/time")[3], 1e-12);
        Assert.Equal("test", H5Dump.StringAttribute(path, "/source"));
        Assert.Equal(["cell01", "cell02", "firing_rate_10ms"], H5Dump.Members(path, "/test/repeats"));
        Assert.Equal(["binned", "firing_rate_10ms", "firing_rate_5ms"], H5Dump.Members(path, "/train/response"));
        Assert.Equal(0, H5Dump.Header(path).ExitCode);
    }

    [Fact]
    public void AFailedWrite_LeavesThePreviousFile_AndNoTemporaryFile()
    {
        TestTorch.Cpu();
        string path = _dir.File("kept.h5");
        DeepRetinaWriter.Write(path, Content(torch.uint8));
        byte[] before = File.ReadAllBytes(path);
        var broken = Content(torch.float32);
        broken.Train.Stimulus.Dispose(); // fails while the stimulus is being streamed, after the file was begun

        Assert.ThrowsAny<Exception>(() => DeepRetinaWriter.Write(path, broken));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["kept.h5"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void InconsistentContent_IsRefused_NamingTheDataset()
    {
        TestTorch.Cpu();
        var content = Content(torch.uint8);
        var bad = content with { Test = content.Test with { Binned = torch.zeros(2, 19) } };

        var e = Assert.Throws<ArgumentException>(() => DeepRetinaWriter.Write(_dir.File("bad.h5"), bad));

        Assert.Contains("test/response/binned must be (2, 20), got [2, 19]", e.Message);
        Assert.False(File.Exists(_dir.File("bad.h5")));
    }
}
