using TorchSharp;
using Workbench.Data;
using Workbench.Tests.Support;

namespace Workbench.Tests.Data;

public class RecordingTests
{
    private static readonly CellInfo[] TwoCells = [new(0, "cell01"), new(1, "cell02")];

    [Fact]
    public void MismatchedLengths_AreNamedWithBothSizes()
    {
        TestTorch.Cpu();
        var e = Assert.Throws<ArgumentException>(() =>
            new Recording(torch.zeros(100, 5, 5), torch.zeros(99, 2), 0.01, TwoCells, RecordingProvenance.Of("a.h5", "test")));

        Assert.Equal("a.h5 (test): rates have 99 bins but the stimulus has 100 frames.", e.Message);
    }

    [Theory]
    [InlineData("stimulus-rank", "stimulus must be (T, H, W), got rank 2")]
    [InlineData("cells", "rates have 2 cells but 3 cell descriptions")]
    [InlineData("dtype", "rates must be float32, got Float64")]
    [InlineData("repeats", "repeats are [3, 10, 2], expected [R, 100, 2]")]
    public void InconsistentParts_AreRefused(string kind, string expected)
    {
        TestTorch.Cpu();
        var stimulus = kind == "stimulus-rank" ? torch.zeros(100, 25) : torch.zeros(100, 5, 5);
        var rates = kind == "dtype" ? torch.zeros(100, 2, dtype: torch.float64) : torch.zeros(100, 2);
        var cells = kind == "cells" ? [.. TwoCells, new CellInfo(2, "cell03")] : TwoCells;
        var repeats = kind == "repeats" ? torch.zeros(3, 10, 2) : null;

        var e = Assert.Throws<ArgumentException>(() => new Recording(stimulus, rates, 0.01, cells, RecordingProvenance.Of("a.h5"), repeats: repeats));

        Assert.Contains(expected, e.Message);
    }
}
