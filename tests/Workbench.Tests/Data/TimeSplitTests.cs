using Workbench.Data;

namespace Workbench.Tests.Data;

public class TimeSplitTests
{
    [Theory]
    [InlineData(10_000, 40, 0.1, 5)]
    [InlineData(2_000, 40, 0.2, 3)]
    [InlineData(300_000, 40, 0.05, 10)]
    public void Blocks_HoldOutTheFraction_InContiguousBlocks_AndShareNoFrameWithTraining(long windows, int history, double fraction, int blocks)
    {
        var split = TimeSplit.Blocks(windows, history, fraction, blocks);

        Assert.Equal(blocks, split.Validation.Count);
        Assert.InRange(split.ValidationCount, windows * fraction - blocks, windows * fraction + blocks);
        // Brute-force oracle: the frames (inputs and target bin) touched by each set must not intersect.
        var validationFrames = new HashSet<long>();
        foreach (var r in split.Validation)
            for (long k = r.Start; k < r.End; k++)
                for (long f = k; f <= k + history; f++) validationFrames.Add(f);
        foreach (var r in split.Training)
            for (long k = r.Start; k < r.End; k++)
                Assert.False(validationFrames.Contains(k) || validationFrames.Contains(k + history), $"training window {k} touches a validation frame");
        // Nothing is lost but the gaps: each validation block costs exactly one history on each side (inside the recording).
        long gaps = split.Validation.Sum(v => Math.Min(history, v.Start) + Math.Min(history, windows - v.End));
        Assert.Equal(windows, split.TrainingCount + split.ValidationCount + gaps);
    }

    [Fact]
    public void Blocks_AreSpreadThroughTheRecording()
    {
        var split = TimeSplit.Blocks(10_000, 40, 0.1, 5);

        Assert.Equal([new WindowRange(900, 1100), new WindowRange(2900, 3100), new WindowRange(4900, 5100), new WindowRange(6900, 7100), new WindowRange(8900, 9100)], split.Validation);
    }

    [Theory]
    [InlineData(0.0, 5)]
    [InlineData(1.0, 5)]
    [InlineData(0.1, 0)]
    public void BadParameters_AreNamed(double fraction, int blocks)
    {
        Assert.Throws<ArgumentException>(() => TimeSplit.Blocks(10_000, 40, fraction, blocks));
    }

    [Fact]
    public void TooFewWindows_SayWhy()
    {
        var e = Assert.Throws<ArgumentException>(() => TimeSplit.Blocks(100, 40, 0.5, 2));

        Assert.Contains("nothing to train on", e.Message);
    }
}
