using Workbench.Data;
using Workbench.Tests.Support;
using static TorchSharp.torch;

namespace Workbench.Tests.Data;

/// <summary>
/// History windows cropped to a region (<see cref="HistoryWindows.Crop"/>) hold exactly that rectangle of the whole
/// windows, by either gathering path, and batches written into the reused buffer equal freshly gathered ones.
/// </summary>
public class CroppedWindowsTests
{
    private const float Exact = 0f;

    private static Recording Random(int frames = 200, int height = 9, int width = 11) =>
        new(randn(frames, height, width, generator: new Generator(5)), rand(frames, 2, generator: new Generator(6)), 0.01,
            [new CellInfo(0, "a"), new CellInfo(1, "b")], RecordingProvenance.Of("test"), counts: randint(0, 4, [frames, 2], generator: new Generator(7)).to(float32));

    public static TheoryData<long> CopyLimits => [HistoryWindows.CropCopyLimitBytes, 0];

    [Theory]
    [MemberData(nameof(CopyLimits))]
    public void CroppedBatch_IsTheRegionOfTheWholeBatch(long copyLimit)
    {
        TestTorch.Cpu();
        using var scope = NewDisposeScope();
        using var recording = Random();
        var region = new StimulusRegion(2, 3, 5, 6);
        using var whole = new HistoryWindows(recording, 12);
        using var cropped = new HistoryWindows(recording, 12, region, copyLimit);
        long[] ks = [187, 0, 40, 40, 101];

        var (all, allTargets) = whole.Batch(ks);
        var (part, partTargets) = cropped.Batch(ks);
        var (reused, reusedTargets) = cropped.ReusedBatch(ks);

        var expected = all.narrow(2, 2, 5).narrow(3, 3, 6);
        Assert.Equal(region, cropped.Crop);
        Assert.Equal([5L, 12, 5, 6], part.shape);
        Assert.Equal(Exact, (part - expected).abs().max().item<float>());
        Assert.Equal(Exact, (reused - expected).abs().max().item<float>());
        Assert.Equal(Exact, (partTargets - allTargets).abs().max().item<float>());
        Assert.Equal(Exact, (reusedTargets - allTargets).abs().max().item<float>());
        // The oracle: window k's frame f is stimulus frame k + f.
        Assert.Equal(recording.Stimulus[40 + 7, 2 + 4, 3 + 5].item<float>(), part[2, 7, 4, 5].item<float>(), Exact);
    }

    [Fact]
    public void ReusedBatch_EqualsBatch_ForWholeFrames_AndAcrossCallsOfDifferentSizes()
    {
        TestTorch.Cpu();
        using var scope = NewDisposeScope();
        using var recording = Random();
        using var windows = new HistoryWindows(recording, 12);
        long[] first = [3, 150, 77], second = [187, 0, 40, 41, 102, 9];

        var (a, _) = windows.ReusedBatch(first);
        var expectedA = windows.Batch(first).Inputs;
        Assert.Equal(Exact, (a - expectedA).abs().max().item<float>());
        var (b, targets) = windows.ReusedBatch(second);
        var (expectedB, expectedTargets) = windows.Batch(second);
        Assert.Equal([6L, 12, 9, 11], b.shape);
        Assert.Equal(Exact, (b - expectedB).abs().max().item<float>());
        Assert.Equal(Exact, (targets - expectedTargets).abs().max().item<float>());
        var (c, _) = windows.ReusedBatch(first);
        Assert.Equal(Exact, (c - expectedA).abs().max().item<float>());
    }

    [Fact]
    public void CropOutsideTheFrame_IsRefused_AndAWholeFrameCropIsNoCrop()
    {
        TestTorch.Cpu();
        using var recording = Random();

        Assert.Throws<ArgumentException>(() => new HistoryWindows(recording, 12, new StimulusRegion(5, 0, 5, 11)));
        Assert.Throws<ArgumentException>(() => new HistoryWindows(recording, 12, new StimulusRegion(0, -1, 3, 3)));
        using var all = new HistoryWindows(recording, 12, new StimulusRegion(0, 0, 9, 11));
        Assert.Null(all.Crop);
    }
}
