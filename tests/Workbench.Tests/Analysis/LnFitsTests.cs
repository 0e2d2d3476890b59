using TorchSharp;
using Workbench.Analysis;
using Workbench.Data;
using Workbench.Metrics;
using Workbench.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Workbench.Tests.Analysis;

public class LnFitsTests(ITestOutputHelper output)
{
    private const int History = 8, Size = 7, Frames = 40_000;

    /// <summary>The bar for a recovered filter (cosine of the fitted and planted unit-norm filters).</summary>
    private const double MinFilterCorrelation = 0.95;

    /// <summary>
    /// Bin means may miss the planted curve by this many of their standard errors plus <see cref="CurveAllowance"/>:
    /// 4 SE makes a chance failure among 20 bins rare (p ≈ 1e-3).
    /// </summary>
    private const double ErrorsAllowed = 4;

    /// <summary>
    /// Share of the planted curve's range a bin mean may also miss by: the averaging of a curved nonlinearity across a
    /// bin's width and the small error of the estimated filter (about √(D/K) ≈ 0.1 in angle) shift bin means by ~1% of it.
    /// </summary>
    private const double CurveAllowance = 0.03;

    /// <summary>
    /// Share of the bins' range a fitted softplus may miss a bin by beyond sampling error: a noiseless unit's bins have tiny
    /// errors, and they follow the planted curve blurred by the estimated filter, which a softplus follows only closely.
    /// </summary>
    private const double SoftplusAllowance = 0.02;

    /// <summary>A spot with a biphasic time course, unit norm, (History, Size, Size).</summary>
    private static Tensor PlantedFilter()
    {
        var rows = torch.arange(Size, dtype: float64).view(-1, 1);
        var cols = torch.arange(Size, dtype: float64).view(1, -1);
        var spot = torch.exp(-((rows - 3).square() + (cols - 3.5).square()) / (2 * 1.2 * 1.2));
        var t = torch.arange(History, dtype: float64);
        var course = torch.exp(-(History - 1 - t) / 1.5) - 0.4 * torch.exp(-(History - 1 - t) / 3.0); // index History-1 is lag 0
        var f = course.view(-1, 1, 1) * spot.unsqueeze(0);
        return (f / f.norm()).to(float32);
    }

    private static double Cosine(Tensor a, Tensor b) =>
        (a.to(float64).flatten() * b.to(float64).flatten()).sum().item<double>() / (a.to(float64).norm().item<double>() * b.to(float64).norm().item<double>());

    /// <summary>
    /// The slope of a linear unit's binned nonlinearity, fitted in sample: with Σ̂ = I + E the noise's sample covariance,
    /// the STA is fΣ̂ and, to first order in D/K, Cov(g, ĝ)/Var(ĝ) = |fΣ̂|³ / (fΣ̂³fᵀ) ≈ 1 − 1.5·fE²fᵀ ≈ 1 − 1.5·D/K
    /// (0.98 for D = 392, K = 32,000): the filter learns part of the training noise.
    /// </summary>
    private static double InSampleSlope(long windows) => 1 - 1.5 * History * Size * Size / (double)windows;

    /// <summary>Least-squares line through the bins, (slope, intercept).</summary>
    private static (double Slope, double Intercept) Line(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average();
        double slope = x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my)) / x.Sum(v => (v - mx) * (v - mx));
        return (slope, my - slope * mx);
    }

    /// <summary>
    /// Oracle: recorded cells made from a planted LN unit plus Gaussian noise under white noise. Cell 0 is softplus of the
    /// filter's output: the filter, the nonlinearity at the bin centres and the cross-validated correlation against its
    /// noise ceiling (the correlation of the noiseless rate with the noisy one) are checked. Cell 1 is purely linear,
    /// 2·g + 5 + noise: its binned nonlinearity is a line of slope 2 (the filter is unit norm; less the in-sample shrinkage,
    /// <see cref="InSampleSlope"/>) and intercept 5.
    /// </summary>
    [Fact]
    public void FitCells_RecoverAPlantedLnCell_AndALinearCellsLine()
    {
        TestTorch.Cpu(seed: 130);
        var filter = PlantedFilter();
        var stimulus = torch.randn(Frames, Size, Size);
        using var model = new PlantedLn(filter, scale: 4, gain: 2, threshold: 1);
        var g = LayerProbe.Responses(model, stimulus, [new UnitAddress("generator", 0)]).squeeze(1).to(float64); // bins History..Frames-1
        var clean = g.mul(model.Gain).sub(model.Threshold).exp().log1p().mul(model.Scale);
        const double noise = 1.5, linearNoise = 0.5;
        var rates = torch.zeros(Frames, 2, dtype: float64);
        rates.narrow(0, History, Frames - History).select(1, 0).copy_(clean + noise * torch.randn_like(clean));
        rates.narrow(0, History, Frames - History).select(1, 1).copy_(g * 2 + 5 + linearNoise * torch.randn_like(g));
        using var recording = new Recording(stimulus, rates.to(float32), 0.01,
            [new CellInfo(0, "softplus"), new CellInfo(1, "linear")], RecordingProvenance.Of("planted LN cells"));
        using var windows = new HistoryWindows(recording, History);
        double ceiling = clean.std().item<double>() / Math.Sqrt(clean.var().item<double>() + noise * noise);

        var fits = LnFits.FitCells(windows, [0, 1], new LnFitOptions { Bins = 20 });

        var ln = fits[0];
        double filterR = Cosine(ln.Filter, filter);
        output.WriteLine($"softplus cell: filter cos {filterR:F4}, test r {ln.TestCorrelation:F4} (ceiling {ceiling:F4}), train r {ln.TrainCorrelation:F4}, {ln.TrainWindows}/{ln.TestWindows} windows");
        Assert.Equal("softplus", ln.Unit);
        Assert.True(filterR > MinFilterCorrelation, $"filter cos {filterR}");
        double range = model.Nonlinearity(ln.BinCentres[^1]) - model.Nonlinearity(ln.BinCentres[0]);
        for (int b = 0; b < ln.BinCentres.Length; b++)
        {
            double expected = model.Nonlinearity(ln.BinCentres[b]), miss = Math.Abs(ln.BinValues[b] - expected);
            Assert.True(miss < ErrorsAllowed * ln.BinStandardErrors[b] + CurveAllowance * range,
                $"bin {b} at {ln.BinCentres[b]:F3}: {ln.BinValues[b]:F3} vs planted {expected:F3} (SE {ln.BinStandardErrors[b]:F3})");
        }
        // The held-out correlation of the true model is the ceiling up to sampling error of r over 8,000 windows (~0.005);
        // the estimated filter (cos ≈ 0.99) costs the fitted model up to ~0.03 more.
        Assert.InRange(ln.TestCorrelation, ceiling - 0.04, ceiling + 0.02);
        Assert.True(ln.TrainWindows + ln.TestWindows < Frames && ln.TestWindows > 0.15 * Frames, $"{ln.TrainWindows}/{ln.TestWindows}");

        var linear = fits[1];
        var (slope, intercept) = Line(linear.BinCentres, linear.BinValues);
        output.WriteLine($"linear cell: filter cos {Cosine(linear.Filter, filter):F4}, slope {slope:F4}, intercept {intercept:F4}, STA norm {linear.StaNorm:F4}");
        Assert.True(Cosine(linear.Filter, filter) > MinFilterCorrelation);
        Assert.Equal(2 * InSampleSlope(linear.TrainWindows), slope, 0.03);
        Assert.Equal(5.0, intercept, 0.05);   // the SE of the mean of 32,000 responses of SD ~2 is 0.01
        Assert.Equal(2.0, linear.StaNorm, 0.05); // the STA of 2·g under unit-variance noise is 2·f
    }

    /// <summary>
    /// Oracle: the planted model itself, addressed by units. Its output is a noiseless LN unit, so the cross-validated
    /// correlation approaches 1 (short of it only by the estimated filter's error, cos ≈ 0.99: the nonlinear part of the
    /// response is estimation noise for the STA) and a parametric softplus fitted to the bins follows them and lands near
    /// the planted parameters; its "generator" layer is linear (slope 1, intercept 0: the STA of g = f·x is f up to sampling; see <see cref="InSampleSlope"/>).
    /// </summary>
    [Fact]
    public void Fit_ModelUnits_NoiselessLnUnitAndItsLinearGenerator()
    {
        TestTorch.Cpu(seed: 131);
        var filter = PlantedFilter();
        var stimulus = torch.randn(Frames, Size, Size);
        using var model = new PlantedLn(filter, scale: 4, gain: 2, threshold: 1);

        var fits = LnFits.Fit(model, stimulus, [UnitAddress.OutputCell(0), new UnitAddress("generator", 0)], new LnFitOptions { Parametric = true });

        var ln = fits[0];
        var curve = ln.Parametric!;
        double range = ln.BinValues[^1] - ln.BinValues[0];
        var misses = ln.BinCentres.Select((c, b) => Math.Abs(curve.Evaluate(c) - ln.BinValues[b]) / (ErrorsAllowed * ln.BinStandardErrors[b] + SoftplusAllowance * range)).ToArray();
        output.WriteLine($"output: filter cos {Cosine(ln.Filter, filter):F4}, test r {ln.TestCorrelation:F4}; softplus fit {curve}; worst bin miss {misses.Max():F3} of its allowance");
        Assert.Equal("output[0, 0, 0]", ln.Unit);
        Assert.True(Cosine(ln.Filter, filter) > MinFilterCorrelation);
        Assert.True(ln.TestCorrelation > 0.97, $"test r {ln.TestCorrelation}");
        Assert.All(misses, m => Assert.True(m < 1, $"the softplus misses a bin by {m} of its allowance"));
        // Planted: 4·softplus(2·(g − 0.5)); the estimated filter shrinks the fitted gain by about its cosine.
        Assert.Equal(4.0, curve.Scale, 0.4);
        Assert.Equal(2.0, curve.Gain, 0.2);
        Assert.Equal(0.5, curve.Threshold, 0.1);
        Assert.Equal(0.0, curve.Baseline, 0.1);

        var generator = fits[1];
        var (slope, intercept) = Line(generator.BinCentres, generator.BinValues);
        // A linear unit's STA is its filter times the sample covariance of the noise: cos ≈ 1 − D/(2K), about 0.994 here.
        Assert.True(Cosine(generator.Filter, filter) > 0.99, $"generator filter cos {Cosine(generator.Filter, filter)}");
        double cos = Cosine(generator.Filter, filter);
        output.WriteLine($"generator: filter cos {cos:F4}, slope {slope:F4}, intercept {intercept:F4}, test r {generator.TestCorrelation:F4}");
        Assert.Equal(InSampleSlope(generator.TrainWindows), slope, 0.01);
        Assert.Equal(0.0, intercept, 0.01);
        Assert.True(generator.TestCorrelation > 0.98, $"test r {generator.TestCorrelation}"); // ≈ cos(f, f̂)
    }

    /// <summary>
    /// A linear unit whose filter covers a 4x4 patch of a 24x24 frame, fitted from fewer windows (2,000) than the filter has
    /// entries (5,760). Oracle: for a linear unit under white noise the STA's error has variance about |f|²/K per entry, so
    /// the estimated filter's cosine with the true one is about 1/√(1 + D/K): 0.95 over the patch's 160 entries (the
    /// footprint), 0.47 over the whole window. Outside the footprint the filter is exactly zero.
    /// </summary>
    [Fact]
    public void Fit_RestrictsTheFilterToTheUnitsFootprint()
    {
        TestTorch.Cpu(seed: 17);
        const int history = 10, size = 24, windows = 2_000;
        var filter = torch.zeros(history, size, size);
        filter[.., 10..14, 6..10] = torch.randn(history, 4, 4);
        filter /= filter.norm();
        var stimulus = torch.randn(windows + history, size, size);
        using var model = new PlantedLn(filter, scale: 1, gain: 1, threshold: 0);
        var unit = new UnitAddress("generator", 0);

        var within = LnFits.Fit(model, stimulus, [unit])[0];
        var whole = LnFits.Fit(model, stimulus, [unit], new LnFitOptions { RestrictToFootprint = false })[0];

        double k = within.TrainWindows, expectedWithin = 1 / Math.Sqrt(1 + 160 / k), expectedWhole = 1 / Math.Sqrt(1 + history * size * size / k);
        double cosWithin = Cosine(within.Filter, filter), cosWhole = Cosine(whole.Filter, filter);
        output.WriteLine($"K {k}: cos within the footprint {cosWithin:F4} (expected {expectedWithin:F4}), over the window {cosWhole:F4} (expected {expectedWhole:F4}); " +
                         $"held-out r {within.TestCorrelation:F4} vs {whole.TestCorrelation:F4}");
        Assert.Equal(expectedWithin, cosWithin, 0.03);
        Assert.Equal(expectedWhole, cosWhole, 0.05);
        var outside = torch.ones(history, size, size, dtype: torch.@bool);
        outside[.., 10..14, 6..10] = torch.tensor(false);
        Assert.Equal(0.0, within.Filter[outside].abs().max().item<float>());
        Assert.True(within.TestCorrelation > whole.TestCorrelation + 0.3, $"held-out r {within.TestCorrelation} vs {whole.TestCorrelation}");
    }

    [Fact]
    public void FitCells_RejectsACellOutsideTheRecording()
    {
        TestTorch.Cpu(seed: 132);
        using var recording = new Recording(torch.randn(200, 4, 4), torch.rand(200, 1), 0.01, [new CellInfo(0, "c")], RecordingProvenance.Of("x"));
        using var windows = new HistoryWindows(recording, 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => LnFits.FitCells(windows, [1]));
    }
}
