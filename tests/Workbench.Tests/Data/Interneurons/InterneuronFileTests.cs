using TorchSharp;
using Workbench.Data.Inspection;
using Workbench.Data.Interneurons;
using Workbench.TestSupport;
using Workbench.Tests.Support;

namespace Workbench.Tests.Data.Interneurons;

public class InterneuronFileTests
{
    [Fact]
    public void WrittenFiles_ReadBack_AndH5pySeesTheReferenceLayout()
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
        string h5py = ExternalTool.Run("/usr/bin/python3", "-c",
            "import sys,h5py; f=h5py.File(sys.argv[1]); g=f['whitenoise']; print(g['stimuli'].shape, g['detrended_membrane_potential'].shape, [t.decode() if isinstance(t, bytes) else t for t in g['cell_types'][:]])", path);
        Assert.Equal("(30, 8, 8) (2, 30) ['bipolar', 'amacrine']", h5py.Trim());
        Assert.Equal("interneurons", FileInspector.Inspect(path).Layout);
    }

    [Fact]
    public void AFileWithoutInterneuronGroups_IsNamed()
    {
        using var dir = new TempDirectory();
        string path = dir.File("empty.h5");
        ExternalTool.Run("/usr/bin/python3", "-c", "import sys,h5py; h5py.File(sys.argv[1], 'w').create_group('nothing')", path);

        var e = Assert.Throws<Workbench.Data.RecordingFormatException>(() => InterneuronFile.Read(path));

        Assert.Contains("expected groups holding stimuli and detrended_membrane_potential, found none", e.Message);
    }
}
