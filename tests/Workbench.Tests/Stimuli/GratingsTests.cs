using TorchSharp;
using Workbench.Stimuli;
using Workbench.Tests.Support;

namespace Workbench.Tests.Stimuli;

public class GratingsTests
{
    private static float[] Row(torch.Tensor frame, int row = 0) => frame[row].contiguous().data<float>().ToArray();

    [Fact]
    public void SquareGrating_HasBarsOfTheGivenWidthAndPhase()
    {
        TestTorch.Cpu();
        using var g = Gratings.Frame(5, 0, GratingWaveform.Square, 3, 50);
        Assert.Equal(new long[] { 3, 50 }, g.shape);
        var row = Row(g);
        for (int x = 0; x < 50; x++) Assert.Equal((x / 5) % 2 == 0 ? 1f : -1f, row[x]);
        Assert.Equal(row, Row(g, 2));                              // vertical bars: every row alike
        // Phase 0.3 of a period of 10 shifts by ⌊2·0.3·5⌋ = 3 checkers: columns 0, 1 are still +1, column 2 is −1.
        using var shifted = Gratings.Frame(5, 0.3, GratingWaveform.Square, 1, 50, contrast: 0.5);
        Assert.Equal(new[] { 0.5f, 0.5f, -0.5f, -0.5f, -0.5f, -0.5f, -0.5f, 0.5f }, Row(shifted)[..8]);
        using var half = Gratings.Frame(5, 0.5, GratingWaveform.Square, 1, 50);
        Assert.Equal(Row(g).Select(v => -v).ToArray(), Row(half)); // half a period inverts the grating
    }

    [Fact]
    public void SineGrating_HasPeriodTwiceTheBarWidth()
    {
        TestTorch.Cpu();
        using var g = Gratings.Frame(4, 0, GratingWaveform.Sine, 2, 32);
        var row = Row(g);
        Assert.Equal(0, row[0], 1e-6);
        Assert.Equal(1, row[2], 1e-6);                      // sin(2π·2/8)
        Assert.Equal(0, row[4], 1e-6);
        Assert.Equal(-1, row[6], 1e-6);
        Assert.Equal(Math.Sin(2 * Math.PI * 5 / 8), row[5], 1e-6);
        using var quarter = Gratings.Frame(4, 0.25, GratingWaveform.Sine, 1, 32);
        Assert.Equal(1, Row(quarter)[0], 1e-6);             // a quarter period: cosine
        Assert.Throws<ArgumentOutOfRangeException>(() => Gratings.Frame(0, 0, GratingWaveform.Sine, 1, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gratings.Frame(2, 1.5, GratingWaveform.Sine, 1, 8));
    }

    [Fact]
    public void ReversingGrating_FlipsEveryHalfPeriod_AndItsF1IsTheSquareWavesFundamental()
    {
        TestTorch.Cpu();
        using var movie = Gratings.Reversing(140, 25, 3, 0, GratingWaveform.Sine, 4, 12);
        Assert.Equal(new long[] { 140, 4, 12 }, movie.shape);
        var signs = Gratings.ReversalSigns(140, 25);
        for (int t = 0; t < 140; t++) Assert.Equal(t % 50 < 25 ? 1f : -1f, signs[t]);
        using var first = movie[0].clone();
        Assert.True(movie[24].eq(first).all().item<bool>());
        Assert.True(movie[25].eq(-first).all().item<bool>());
        Assert.True(movie[50].eq(first).all().item<bool>());
        // A checker at the sine's crest (column 1.5 is the crest for bar width 3; column 0 is 0, column 3 is 0):
        // its value is sin(2π·1/6) times a ±1 square wave of period 50 frames. Over the reference's 100 analysed samples
        // (frames 40…139) the DFT of a ±1 square wave of half period h at its fundamental (2 cycles) has magnitude
        // 2·2·|Σ_{t<h} e^{−2πit/2h}| = 4/sin(π/50) (hand computation); even harmonics vanish.
        var trace = movie.narrow(0, 40, 100)[.., 0, 1].contiguous().data<float>().Select(v => (double)v).ToArray();
        double amplitude = Math.Sin(2 * Math.PI / 6);
        Assert.Equal(amplitude * 4 / Math.Sin(Math.PI / 50), Dft(trace, 2), 1e-3);
        Assert.Equal(0, Dft(trace, 4), 1e-3);
        Assert.Equal(0, Dft(trace, 0), 1e-3);
    }

    private static double Dft(double[] x, int k)
    {
        double re = 0, im = 0;
        for (int t = 0; t < x.Length; t++) { re += x[t] * Math.Cos(2 * Math.PI * k * t / x.Length); im -= x[t] * Math.Sin(2 * Math.PI * k * t / x.Length); }
        return Math.Sqrt(re * re + im * im);
    }
}
