using Workbench.Stimuli;
using Workbench.Tests.Support;

namespace Workbench.Tests.Stimuli;

public class ObjectMotionTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Jitter_ShowsEachGratingAtItsOffset_InsideAndOutsideTheDisc(bool global)
    {
        TestTorch.Cpu();
        using var s = ObjectMotion.Jitter(global, 50, 50, seed: 3);
        Assert.Equal(new long[] { 150, 50, 50 }, s.Movie.shape);
        for (int t = 0; t < 150; t++)
        {
            if (t >= 110) { Assert.Equal(s.SurroundOffsets[109], s.SurroundOffsets[t]); Assert.Equal(s.CentreOffsets[109], s.CentreOffsets[t]); }
            if (t > 0) Assert.InRange(Math.Abs(s.SurroundOffsets[t] - s.SurroundOffsets[t - 1]), 0, 1);
            if (t > 0) Assert.InRange(Math.Abs(s.CentreOffsets[t] - s.CentreOffsets[t - 1]), 0, 1);
        }
        Assert.All(Enumerable.Range(0, 40), t => Assert.Equal(0, s.SurroundOffsets[t] + s.CentreOffsets[t] * 100));
        if (global) Assert.Equal(s.SurroundOffsets, s.CentreOffsets);
        else Assert.NotEqual(s.SurroundOffsets, s.CentreOffsets);
        var m = s.Movie.data<float>().ToArray();
        foreach (int t in new[] { 0, 60, 90, 149 })
            foreach (var (r, c, inside) in new[] { (25, 25, true), (25, 32, true), (25, 33, false), (18, 25, true), (17, 25, false), (0, 0, false), (49, 10, false) })
            {
                int offset = inside ? s.CentreOffsets[t] : s.SurroundOffsets[t];
                Assert.Equal((float)ObjectMotion.Bar(c - offset, 4, 1), m[(t * 50 + r) * 50 + c]);
            }
    }

    [Fact]
    public void Jitter_StepsWithTheGivenProbabilities()
    {
        TestTorch.Cpu();
        const int n = 20_000;
        using var s = ObjectMotion.Jitter(false, 4, 4, seed: 11, frames: n, still: 0, radius: 1);
        int surroundSteps = Enumerable.Range(1, n - 1).Count(t => s.SurroundOffsets[t] != s.SurroundOffsets[t - 1]);
        int centreSteps = Enumerable.Range(1, n - 1).Count(t => s.CentreOffsets[t] != s.CentreOffsets[t - 1]);
        // Binomial: 4 standard errors.
        Assert.InRange(surroundSteps / (double)n, 0.3 - 4 * Math.Sqrt(0.21 / n), 0.3 + 4 * Math.Sqrt(0.21 / n));
        Assert.InRange(centreSteps / (double)n, 0.5 - 4 * Math.Sqrt(0.25 / n), 0.5 + 4 * Math.Sqrt(0.25 / n));
        Assert.Equal(0, ObjectMotion.Bar(0, 4, 1) - 1);
        Assert.Equal(-1, ObjectMotion.Bar(-1, 4, 1));   // negative columns wrap periodically
    }
}
