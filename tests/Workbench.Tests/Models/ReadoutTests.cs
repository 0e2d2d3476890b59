using TorchSharp;
using Workbench.Models;
using Workbench.Models.Layers;
using Workbench.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Workbench.Tests.Models;

/// <summary>
/// The per-cell readouts (<see cref="GaussianReadout"/>, <see cref="FactorizedReadout"/>) against known answers: bilinear
/// interpolation computed by hand, planted locations and masks, the parameter-count formulas of neuralpredictors.
/// </summary>
public class ReadoutTests(ITestOutputHelper output)
{
    /// <summary>Float32 against a float64 hand computation of a few products.</summary>
    private const double ArithmeticTolerance = 1e-5;
    /// <summary>How far (map positions) a learned Gaussian location may lie from the planted one.</summary>
    private const double LocationTolerance = 0.5;
    /// <summary>Smallest |correlation| of a learned factorized mask with the planted one.</summary>
    private const double MaskCorrelation = 0.98;

    [Fact]
    public void GaussianReadout_ReadsBilinearlyAtMu_DeterministicallyInEvaluation()
    {
        TestTorch.Cpu(seed: 61);
        using var readout = new GaussianReadout(channels: 3, height: 9, width: 9, cells: 2);
        using (torch.no_grad())
        {
            readout.Mu.copy_(torch.tensor(new float[,] { { 0.25f, -0.5f }, { 0.1f, 0.3f } })); // (x, y) per cell
            readout.Features.copy_(torch.tensor(new float[,] { { 1, -2, 0.5f }, { 0.3f, 0.7f, -1 } }));
        }
        readout.eval();
        using var maps = torch.randn(4, 3, 9, 9);
        using var first = readout.call(maps);
        using var second = readout.call(maps);
        Assert.True(first.allclose(second, rtol: 0, atol: 0));

        // By hand: map coordinates (y + 1)/2·8 and (x + 1)/2·8; cell 0 sits on position (2, 5), cell 1 between (5, 4) and (6, 5).
        var x = maps.to(float64).data<double>().ToArray();
        double At(int b, int c, int r, int col) => x[((b * 3 + c) * 9 + r) * 9 + col];
        double Bilinear(int b, int c, double r, double col)
        {
            int r0 = (int)Math.Floor(r), c0 = (int)Math.Floor(col);
            double fr = r - r0, fc = col - c0;
            return (1 - fr) * (1 - fc) * At(b, c, r0, c0) + (1 - fr) * fc * At(b, c, r0, c0 + 1) + fr * (1 - fc) * At(b, c, r0 + 1, c0) + fr * fc * At(b, c, r0 + 1, c0 + 1);
        }
        double[][] f = [[1, -2, 0.5], [0.3, 0.7, -1]];
        (double Row, double Col)[] at = [((-0.5 + 1) / 2 * 8, (0.25 + 1) / 2 * 8), ((0.3 + 1) / 2 * 8, (0.1 + 1) / 2 * 8)];
        var y = first.to(float64).data<double>().ToArray();
        for (int b = 0; b < 4; b++)
            for (int n = 0; n < 2; n++)
            {
                double expected = Enumerable.Range(0, 3).Sum(c => f[n][c] * Bilinear(b, c, at[n].Row, at[n].Col));
                Assert.True(Math.Abs(y[b * 2 + n] - expected) < ArithmeticTolerance, $"sample {b} cell {n}: {y[b * 2 + n]} vs {expected}");
            }
        using var locations = readout.Locations();
        Assert.Equal(new[] { 2.0, 5.0, 5.2, 4.4 }, locations.to(float64).data<double>().Select(v => Math.Round(v, 4)).ToArray());
    }

    [Fact]
    public void GaussianReadout_InitialisedAtLocations_ReadsThere()
    {
        TestTorch.Cpu(seed: 66);
        using var readout = new GaussianReadout(channels: 2, height: 9, width: 7, cells: 2);
        using var at = torch.tensor(new float[,] { { 2, 5 }, { 8, 0 } });
        readout.InitialiseLocations(at);
        using var back = readout.Locations();
        Assert.True(back.allclose(at, atol: 1e-5), string.Join(", ", back.data<float>().ToArray()));
        readout.eval();
        using var maps = torch.randn(3, 2, 9, 7);
        using var y = readout.call(maps);
        using var expected = (maps[.., .., 2, 5] * readout.Features[0]).sum(1);    // features 1/C at an exact map position
        Assert.True(y[.., 0].allclose(expected, atol: 1e-5));
        Assert.Throws<ArgumentException>(() => readout.InitialiseLocations(torch.zeros(3, 2)));
    }

    [Theory]
    [InlineData(GaussianShape.Isotropic)]
    [InlineData(GaussianShape.AxisAligned)]
    [InlineData(GaussianShape.Full)]
    public void GaussianReadout_PassesGradientsToMuAndSigma_WhenSampling(GaussianShape shape)
    {
        TestTorch.Cpu(seed: 62);
        using var readout = new GaussianReadout(channels: 2, height: 7, width: 7, cells: 3, shape);
        readout.train();
        using var maps = torch.randn(16, 2, 7, 7);
        readout.call(maps).square().sum().backward();
        Assert.True(readout.Mu.grad is { } gm && gm.abs().sum().item<float>() > 0, "no gradient on µ");
        Assert.True(readout.Sigma.grad is { } gs && gs.abs().sum().item<float>() > 0, "no gradient on σ");
        Assert.True(readout.Mu.grad!.isfinite().all().item<bool>() && readout.Sigma.grad!.isfinite().all().item<bool>());
        // Two training calls draw different points; evaluation reads µ.
        using var a = readout.call(maps);
        using var b = readout.call(maps);
        Assert.False(a.allclose(b));
    }

    [Fact]
    public void GaussianReadout_LearnsAPlantedLocation_FromARandomStart()
    {
        TestTorch.Cpu(seed: 63);
        const int channels = 4, size = 15;
        var planted = (Row: 4.0, Column: 10.0);
        var weights = torch.tensor(new float[] { 1f, -0.6f, 0.8f, 0.4f });
        using var readout = new GaussianReadout(channels, size, size, cells: 1, initMuRange: 1, initSigma: 0.3, featureL1: 0);
        // A random start in the far half of the map: (x, y) ∈ [−1, −0.3] × [0.3, 1], at least 6 positions from the planted cell.
        using (torch.no_grad()) readout.Mu.copy_(torch.rand(1, 2) * 0.7 * torch.tensor(new float[] { -1, 1 }) + torch.tensor(new float[] { -0.3f, 0.3f }));
        using var start = readout.Locations();
        var optimizer = torch.optim.Adam(readout.parameters(), 0.05);
        using var blur = SmoothingKernel(2.0, channels);
        for (int step = 0; step < 1500; step++)
        {
            using var scope = torch.NewDisposeScope();
            var maps = SmoothMaps(32, channels, size, blur);
            var target = nn.functional.softplus((maps[.., .., (int)planted.Row, (int)planted.Column] * weights).sum(1, keepdim: true) + 0.5);
            readout.train();
            optimizer.zero_grad();
            var loss = (nn.functional.softplus(readout.call(maps)) - target).square().mean();
            loss.backward();
            optimizer.step();
        }
        using var learned = readout.Locations();
        var s = start.data<float>().ToArray();
        var l = learned.data<float>().ToArray();
        double error = Math.Sqrt(Math.Pow(l[0] - planted.Row, 2) + Math.Pow(l[1] - planted.Column, 2));
        output.WriteLine($"start ({s[0]:F2}, {s[1]:F2}), learned ({l[0]:F2}, {l[1]:F2}), planted {planted}: error {error:F3} map positions");
        Assert.True(Math.Sqrt(Math.Pow(s[0] - planted.Row, 2) + Math.Pow(s[1] - planted.Column, 2)) > 6, "the start was already near the answer");
        Assert.True(error < LocationTolerance, $"learned location {error:F3} positions from the planted one");
    }

    [Fact]
    public void FactorizedReadout_RecoversAPlantedMask()
    {
        TestTorch.Cpu(seed: 64);
        const int channels = 3, size = 10;
        var rows = torch.arange(size, dtype: float32).view(-1, 1);
        var cols = torch.arange(size, dtype: float32).view(1, -1);
        var mask = torch.exp(-((rows - 3).square() + (cols - 6).square()) / (2 * 1.2 * 1.2));
        mask = mask / mask.square().sum().sqrt();
        var features = torch.tensor(new float[] { 1f, 0.5f, -0.7f });
        using var readout = new FactorizedReadout(channels, size, size, cells: 1, maskL1: 1e-4, featureL1: 1e-4);
        var optimizer = torch.optim.Adam(readout.parameters(), 0.02);
        for (int step = 0; step < 800; step++)
        {
            using var scope = torch.NewDisposeScope();
            var maps = torch.randn(64, channels, size, size);
            var target = torch.einsum("bchw,hw,c->b", maps, mask, features).unsqueeze(1) + 0.2;
            optimizer.zero_grad();
            var loss = (readout.call(maps) - target).square().mean();
            loss.backward();
            optimizer.step();
        }
        using var learned = readout.Masks()[0].detach();
        double r = torch.corrcoef(torch.stack([learned.flatten(), mask.flatten()])).data<float>()[1];
        output.WriteLine($"learned mask vs planted: r = {r:F4}; features {string.Join(", ", readout.Features()[0].detach().data<float>().ToArray().Select(v => v.ToString("F3")))}");
        Assert.True(Math.Abs(r) > MaskCorrelation, $"|r| {Math.Abs(r):F4}");
    }

    [Fact]
    public void ParameterCountsPerCell_MatchTheFormulas()
    {
        TestTorch.Cpu(seed: 65);
        const int c = 8, h = 26, w = 26, n = 5;
        long Count(nn.Module module) => module.parameters().Sum(p => p.numel());
        using var factorized = new FactorizedReadout(c, h, w, n);
        Assert.Equal(h * w + c + 1, factorized.ParametersPerCell);
        Assert.Equal(n * factorized.ParametersPerCell, Count(factorized));
        foreach (var (shape, spread) in new[] { (GaussianShape.Isotropic, 1), (GaussianShape.AxisAligned, 2), (GaussianShape.Full, 4) })
        {
            using var gaussian = new GaussianReadout(c, h, w, n, shape);
            Assert.Equal(2 + spread + c + 1, gaussian.ParametersPerCell);
            Assert.Equal(n * gaussian.ParametersPerCell, Count(gaussian));
        }
        // The BN-CNN's core with each readout: the core's parameters plus the readout's, the output batch norm only with the dense one.
        var spec = ModelSpec.BnCnnFor(n);
        using var dense = new BnCnn(spec);
        using var gaussianModel = new BnCnn(spec with { Readout = ReadoutKind.Gaussian });
        long denseReadout = (long)c * h * w * n + n, outputNorm = 2 * n;
        Assert.Equal(138_367, Count(dense));
        Assert.Equal(138_367 - denseReadout - outputNorm + n * (2 + 1 + c + 1), Count(gaussianModel));
    }

    private static Tensor SmoothingKernel(double sigma, int channels)
    {
        int radius = (int)Math.Ceiling(3 * sigma);
        var x = torch.arange(-radius, radius + 1, dtype: float32);
        var g = torch.exp(-x.square() / (2 * sigma * sigma));
        var k = g.view(-1, 1) * g.view(1, -1);
        return (k / k.sum()).view(1, 1, 2 * radius + 1, 2 * radius + 1).expand(channels, 1, -1, -1).contiguous().DetachFromDisposeScope();
    }

    /// <summary>White noise blurred by <paramref name="kernel"/> and scaled to unit variance: maps with a correlation length, so
    /// a location can be found by following the gradient.</summary>
    private static Tensor SmoothMaps(int batch, int channels, int size, Tensor kernel)
    {
        int pad = (int)kernel.shape[2] / 2;
        var noise = torch.randn(batch, channels, size + 2 * pad, size + 2 * pad);
        var smooth = nn.functional.conv2d(noise, kernel, groups: channels);
        return smooth / smooth.std();
    }
}
