using TorchSharp;
using Workbench.Data.Inspection;
using Workbench.Data.Interneurons;
using Workbench.TestSupport;
using Workbench.Tests.Support;

namespace Workbench.Tests.Data.Interneurons;

public class InterneuronFileTests
{
    /// <summary>Oracle for the layout: h5dump (the reference HDF5 library) reading the file our writer made.</summary>
    [Fact]
    public void WrittenFiles_ReadBack_AndH5dumpSeesTheReferenceLayout()
    {
        TestTorch.Cpu(seed: 3);
        using var dir = new TempDirectory();
        string path = dir.File("interneurons.h5");
        var cells = new[] { new InterneuronCell(0, "bipolar", 10, 12), new InterneuronCell(1, "amacrine", 25, 25.5) };
        using var original = new InterneuronStimulus("whitenoise", torch.randn(30, 8, 8), torch.randn(30, 2), cells);

        InterneuronFile.Write(path, [original]);
        using var read = InterneuronFile.Read(path);

        var s = read["whitenoise"];
        Assert.True(s.Stimulus.allclose(original.Stimulus, rtol: 0, atol: 0));
        Assert.True(s.Potentials.allclose(original.Potentials, rtol: 0, atol: 0));
        Assert.Equal(cells, s.Cells);
        Assert.Equal([30L, 8, 8], H5Dump.Dataset(path, "/whitenoise/stimuli").Shape);
        Assert.Equal([2L, 30], H5Dump.Dataset(path, "/whitenoise/detrended_membrane_potential").Shape);
        Assert.Equal(["bipolar", "amacrine"], H5Dump.Strings(path, "/whitenoise/cell_types"));
        Assert.Equal(original.Potentials.t().flatten().to(torch.float64).data<double>().ToArray(),
            H5Dump.Numbers(path, "/whitenoise/detrended_membrane_potential"));
        Assert.Equal("interneurons", FileInspector.Inspect(path).Layout);
    }

    /// <summary>A file written by h5py (committed in Fixtures/, made by Fixtures/make_h5py_fixtures.py) whose only group holds nothing.</summary>
    [Fact]
    public void AFileWithoutInterneuronGroups_IsNamed()
    {
        using var fixtures = new FixtureFolder("tests", "Workbench.Tests", "Data", "Interneurons", "Fixtures");
        string path = fixtures.File("no-interneurons.h5");

        var e = Assert.Throws<Workbench.Data.RecordingFormatException>(() => InterneuronFile.Read(path));

        Assert.Contains("expected groups holding stimuli and detrended_membrane_potential, found none", e.Message);
    }
}
