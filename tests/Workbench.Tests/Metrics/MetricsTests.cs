using TorchSharp;
using Workbench.Metrics;
using Workbench.Tests.Support;

namespace Workbench.Tests.Metrics;

public class CorrelationTests
{
    private const double Exact = 1e-12;

    [Fact]
    public void KnownCases_PerfectOppositeAndConstant()
    {
        using var a = torch.tensor(new double[,] { { 1, 5, 2 }, { 2, 5, 4 }, { 3, 5, 6 } }).to(torch.float32);
        using var b = torch.tensor(new double[,] { { 2, 1, 3 }, { 4, 1, 2 }, { 6, 1, 1 } }).to(torch.float32);

        var r = Correlation.PerCell(a, b);

        Assert.Equal(1, r[0], 1e-7);
        Assert.Equal(0, r[1], Exact);   // a constant column has no correlation, not NaN
        Assert.Equal(-1, r[2], 1e-7);
    }

    [Fact]
    public void MatchesATextbookTwoPassOracle()
    {
        TestTorch.Cpu(seed: 21);
        using var a = torch.randn(500, 3);
        using var b = a * 0.5 + torch.randn(500, 3);
        double[,] x = ToArray(a), y = ToArray(b);

        var r = Correlation.PerCell(a, b);

        for (int c = 0; c < 3; c++)
        {
            double mx = 0, my = 0;
            for (int t = 0; t < 500; t++) { mx += x[t, c]; my += y[t, c]; }
            mx /= 500; my /= 500;
            double sxy = 0, sxx = 0, syy = 0;
            for (int t = 0; t < 500; t++) { sxy += (x[t, c] - mx) * (y[t, c] - my); sxx += Math.Pow(x[t, c] - mx, 2); syy += Math.Pow(y[t, c] - my, 2); }
            Assert.Equal(sxy / Math.Sqrt(sxx * syy), r[c], 1e-6);
        }
    }

    internal static double[,] ToArray(torch.Tensor t)
    {
        var d = t.to(torch.float64).data<double>().ToArray();
        var result = new double[t.shape[0], t.shape[1]];
        Buffer.BlockCopy(d, 0, result, 0, d.Length * sizeof(double));
        return result;
    }
}

public class VarianceExplainedTests
{
    /// <summary>Two repeats, three bins, one cell: every term by hand.</summary>
    [Fact]
    public void HandComputedCase()
    {
        // r = [[1, 2, 6], [3, 2, 4]] (repeat x time). Total variance (ddof 1) of {1,2,6,3,2,4}: mean 3, SS = 4+1+9+0+1+1 = 16, /5 = 3.2.
        // Noise: per-bin variance across repeats (ddof 1): (1-3)^2·2/1=2 ; 0 ; (6-4)^2... bin 3: values 6, 4 → mean 5, var = 2. Mean = (2+0+2)/3 = 4/3.
        using var r = torch.tensor(new float[] { 1, 2, 6, 3, 2, 4 }).view(2, 3, 1);
        using var p = torch.tensor(new float[] { 2, 2, 5 }).view(3, 1);
        double total = 3.2, noise = 4.0 / 3;
        // MSE of p against every trial: (1+0+1 + 1+0+1)/6 = 4/6.
        double mse = 4.0 / 6;

        Assert.Equal((total - noise) / total, VarianceExplained.Fev(r)[0], 1e-6);
        Assert.Equal(1 - (mse - noise) / (total - noise), VarianceExplained.Feve(r, p)[0], 1e-6);
    }

    [Fact]
    public void PlantedSignalPlusNoise_GivesTheExpectedFractions()
    {
        TestTorch.Cpu(seed: 22);
        const int R = 8, T = 20_000;
        const double signalStd = 2, noiseStd = 1;
        using var signal = torch.randn(T, 2) * signalStd;
        using var repeats = signal.unsqueeze(0) + torch.randn(R, T, 2) * noiseStd;

        var fev = VarianceExplained.Fev(repeats);
        var perfect = VarianceExplained.Feve(repeats, signal);
        var meanOnly = VarianceExplained.Feve(repeats, torch.zeros(T, 2));

        double expected = signalStd * signalStd / (signalStd * signalStd + noiseStd * noiseStd);
        Assert.All(fev, f => Assert.Equal(expected, f, 0.01));
        Assert.All(perfect, f => Assert.Equal(1, f, 0.01));
        Assert.All(meanOnly, f => Assert.Equal(0, f, 0.02));
    }
}

public class ReliabilityTests
{
    [Fact]
    public void Jackknife_WithTwoRepeats_IsTheCorrelationOfTheTrialsWithEachOther()
    {
        using var r = torch.tensor(new float[] { 1, 2, 6, 3, 2, 4 }).view(2, 3, 1);
        // Pairs (trial, other trial): (1,3) (2,2) (6,4) (3,1) (2,2) (4,6): Pearson r of x=[1,2,6,3,2,4], y=[3,2,4,1,2,6].
        double[] x = [1, 2, 6, 3, 2, 4], y = [3, 2, 4, 1, 2, 6];
        double mx = x.Average(), my = y.Average();
        double expected = x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my)) /
                          Math.Sqrt(x.Sum(v => (v - mx) * (v - mx)) * y.Sum(v => (v - my) * (v - my)));

        Assert.Equal(expected, Reliability.OracleJackknife(r)[0], 1e-6);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(5)]
    public void SplitHalfCeiling_PredictsHowWellTheTrueSignalMatchesTheTrialAverage(int repeatCount)
    {
        TestTorch.Cpu(seed: 23);
        const int T = 20_000;
        double[] noiseStds = [0.5, 2, 4];
        using var signal = torch.randn(T, 3);
        using var noise = torch.randn(repeatCount, T, 3) * torch.tensor(noiseStds.Select(v => (float)v).ToArray());
        using var repeats = signal.unsqueeze(0) + noise;

        var rho = Reliability.SplitHalf(repeats, splits: 20, seed: 1);
        var ceiling = Reliability.Ceiling(repeats, splits: 20, seed: 1);
        var actual = Correlation.PerCell(signal, repeats.mean([0]));   // planted ground truth: the perfect model's r

        for (int c = 0; c < 3; c++)
        {
            double theory = 1 / (1 + noiseStds[c] * noiseStds[c] / repeatCount);
            Assert.Equal(theory, rho[c], 0.02);
            Assert.Equal(actual[c], ceiling[c], 0.02);
        }
    }

    [Fact]
    public void SpearmanBrown_KnownValues()
    {
        Assert.Equal(2 * 0.6 / 1.6, Reliability.SpearmanBrown(0.6, 2), 1e-12);
        Assert.Equal(0.6, Reliability.SpearmanBrown(0.6, 1), 1e-12);
    }

    [Fact]
    public void OneRepeat_IsRefused() =>
        Assert.Throws<ArgumentException>(() => Reliability.SplitHalf(torch.zeros(1, 10, 2)));
}
