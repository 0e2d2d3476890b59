using TorchSharp;
using Workbench.Stimuli;
using Workbench.Tests.Support;

namespace Workbench.Tests.Stimuli;

public class BarsTests
{
    [Fact]
    public void Bar_CoversTheRightCheckers_AndSplitsBetweenThem()
    {
        TestTorch.Cpu();
        // Centre 0 on 50 checkers: sub-columns [120, 130) at 5x, i.e. checkers 24 and 25.
        var p = Bars.Profile(0, 2, 50);
        for (int x = 0; x < 50; x++) Assert.Equal(x is 24 or 25 ? -1f : 0f, p[x], 6);
        // Centre 0.3: c = trunc(1.5 + 125) = 126, sub-columns [121, 131): 4/5 of checker 24, all of 25, 1/5 of 26.
        p = Bars.Profile(0.3, 2, 50);
        Assert.Equal(-0.8f, p[24], 6);
        Assert.Equal(-1f, p[25], 6);
        Assert.Equal(-0.2f, p[26], 6);
        Assert.Equal(-2f, p.Sum(), 5);
        using var frame = Bars.Frame(0.3, 2, 7, 50);
        Assert.Equal(new long[] { 7, 50 }, frame.shape);
        Assert.Equal(p, frame[6].data<float>().ToArray());
        Assert.Equal(0f, Bars.Profile(40, 2, 50).Sum());            // off screen
    }

    /// <summary>Darkness-weighted mean column, in checkers from the screen centre (column + 0.5 − width/2).</summary>
    private static double Centroid(float[] p, int width)
    {
        double sum = p.Sum(v => (double)v);
        return p.Select((v, x) => v * (x + 0.5 - width / 2.0)).Sum() / sum;
    }

    [Fact]
    public void DriftingBar_MovesAtTheGivenSpeed_FromStartToEnd()
    {
        TestTorch.Cpu();
        using var right = Bars.Drifting(0.176, 2, 3, 50);
        // npts = 1 + ⌊60 / 0.176⌋ = 341, so the bar steps 60/340 checkers a frame.
        Assert.Equal(341, right.Centres.Count);
        Assert.Equal(new long[] { 341, 3, 50 }, right.Movie.shape);
        Assert.Equal(-1, right.FlipFrame);
        for (int k = 0; k < 341; k++) Assert.Equal(-30 + k * 60.0 / 340, right.Centres[k], 1e-9);
        // Where the bar is fully on screen, its darkness centroid is its centre to within the 1/5-checker rendering grid.
        for (int k = 0; k < 341; k++)
        {
            if (Math.Abs(right.Centres[k]) > 23) continue;
            var p = right.Movie[k, 1].data<float>().ToArray();
            Assert.Equal(-2f, p.Sum(), 4);
            Assert.InRange(Centroid(p, 50) - right.Centres[k], -0.2, 0.2);
        }
        using var left = Bars.Drifting(-0.176, 2, 3, 50, from: 30, to: -30);
        Assert.Equal(30, left.Centres[0]);
        Assert.Equal(-30, left.Centres[^1], 1e-9);
        Assert.Throws<ArgumentException>(() => Bars.Drifting(0.176, 2, 3, 50, from: 30, to: -30));
    }

    [Fact]
    public void ReversingBar_GoesToTheFlipAndBackAlongTheSameCentres()
    {
        TestTorch.Cpu();
        using var bar = Bars.Reversing(-9, 2, 50);
        // 1 + ⌊31 / 0.19⌋ = 164 outbound frames, then the same 164 back.
        Assert.Equal(328, bar.Centres.Count);
        Assert.Equal(163, bar.FlipFrame);
        Assert.Equal(-9, bar.Centres[163], 1e-9);
        Assert.Equal(-9, bar.Centres[164], 1e-9);
        Assert.Equal(-40, bar.Centres[0]);
        Assert.Equal(-40, bar.Centres[^1]);
        for (int k = 1; k < 328; k++)
            Assert.Equal(k <= 163 ? 31.0 / 163 : k == 164 ? 0 : -31.0 / 163, bar.Centres[k] - bar.Centres[k - 1], 1e-9);
        Assert.True(bar.Movie[163].eq(bar.Movie[164]).all().item<bool>());
        Assert.True(bar.Movie[100].eq(bar.Movie[327 - 100]).all().item<bool>());
    }
}
