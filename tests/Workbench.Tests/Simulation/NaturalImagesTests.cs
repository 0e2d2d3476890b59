using TorchSharp;
using Workbench.Simulation;
using Workbench.TestSupport;
using Workbench.Tests.Support;

namespace Workbench.Tests.Simulation;

public class NaturalImagesTests
{
    /// <summary>Natural images have power falling roughly as 1/f² with spatial frequency; dead leaves reproduce it.</summary>
    [Fact]
    public void DeadLeaves_HaveANaturalPowerSpectrum()
    {
        TestTorch.Cpu();
        var random = new Random(1);
        double slope = 0;
        const int images = 6, size = 256;
        for (int i = 0; i < images; i++)
        {
            using var scope = torch.NewDisposeScope();
            var image = NaturalImages.DeadLeaves(size, random);
            var power = torch.fft.fft2(image - image.mean()).abs().square();
            var f = torch.fft.fftfreq(size).abs();
            var radial = (f.view(-1, 1).square() + f.view(1, -1).square()).sqrt();
            // Log-log slope of the power between 4 and 64 cycles per image.
            var band = (radial >= 4.0 / size) & (radial <= 64.0 / size);
            var x = radial.masked_select(band).log();
            var y = power.masked_select(band).log();
            var xc = x - x.mean();
            slope += ((xc * (y - y.mean())).sum() / xc.square().sum()).item<float>();
        }
        Assert.InRange(slope / images, -3.0, -1.5);
    }

    /// <summary>The .npy file was written by numpy (committed in Fixtures/, made by Fixtures/make_npy_fixture.py).</summary>
    [Fact]
    public void PgmAndNpyFiles_LoadAsTheSameImage()
    {
        using var dir = new FixtureFolder("tests", "Workbench.Tests", "Simulation", "Fixtures");
        string pgm = dir.File("a.pgm"), npy = dir.File("image.npy");
        var header = System.Text.Encoding.ASCII.GetBytes("P5\n# a comment\n3 2\n255\n");
        File.WriteAllBytes(pgm, [.. header, 0, 51, 102, 153, 204, 255]);

        using var fromPgm = NaturalImages.Load(pgm);
        using var fromNpy = NaturalImages.Load(npy);

        Assert.Equal([2L, 3], fromPgm.shape);
        Assert.True(fromPgm.allclose(fromNpy, rtol: 0, atol: 1e-6));
        Assert.Equal(0.6f, fromPgm[1, 0].item<float>(), 1e-6);
    }

    [Theory]
    [InlineData("a.png", "unsupported image format '.png'")]
    [InlineData("flat.pgm", "the image is uniform")]
    public void UnusableImages_AreNamed(string name, string expected)
    {
        using var dir = new TempDirectory();
        string path = dir.File(name);
        File.WriteAllBytes(path, name.EndsWith(".pgm") ? [.. System.Text.Encoding.ASCII.GetBytes("P5 2 1 255 "), 7, 7] : [1, 2, 3]);

        var e = Assert.Throws<InvalidDataException>(() => NaturalImages.Load(path));

        Assert.Contains(expected, e.Message);
        Assert.StartsWith(path, e.Message);
    }
}
