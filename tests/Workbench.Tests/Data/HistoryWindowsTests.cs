using Workbench.Data;
using Workbench.Tests.Support;

namespace Workbench.Tests.Data;

public class HistoryWindowsTests
{
    private const float Exact = 0f;

    [Fact]
    public void WindowK_HoldsFramesKToKPlusHistoryMinusOne_AndPredictsBinKPlusHistory()
    {
        TestTorch.Cpu();
        using var recording = RecordingFixtures.Known(frames: 60);
        using var windows = new HistoryWindows(recording, history: 40);

        var (inputs, targets) = windows.Batch([0, 7, 19]);

        Assert.Equal(20, windows.Count);
        Assert.Equal([3L, 40, 3, 4], inputs.shape);
        Assert.Equal([3L, 2], targets.shape);
        long[] ks = [0, 7, 19];
        for (int b = 0; b < 3; b++)
        {
            for (int f = 0; f < 40; f++)
                Assert.Equal(ks[b] + f + 0.02f + 0.0003f, inputs[b, f, 2, 3].item<float>(), 3);
            Assert.Equal(ks[b] + 40, targets[b, 0].item<float>(), Exact);
            Assert.Equal(1000 + ks[b] + 40, targets[b, 1].item<float>(), Exact);
        }
    }

    /// <summary>Batches are gathered frame by frame; the strided view defines what each window holds.</summary>
    [Fact]
    public void Batch_EqualsTheViewsWindows_ForUnsortedAndRepeatedIndices()
    {
        TestTorch.Cpu();
        using var scope = TorchSharp.torch.NewDisposeScope();
        using var recording = new Recording(TorchSharp.torch.randn(300, 5, 7, generator: new TorchSharp.torch.Generator(2)),
            TorchSharp.torch.rand(300, 3), 0.01, [new CellInfo(0, "a"), new CellInfo(1, "b"), new CellInfo(2, "c")], RecordingProvenance.Of("test"));
        using var windows = new HistoryWindows(recording, history: 40);
        long[] ks = [259, 0, 17, 17, 130, 1];

        var (inputs, targets) = windows.Batch(ks);
        var expected = windows.View.index_select(0, TorchSharp.torch.tensor(ks));

        Assert.Equal([6L, 40, 5, 7], inputs.shape);
        Assert.True(inputs.is_contiguous());
        Assert.Equal(Exact, (inputs - expected).abs().max().item<float>());
        for (int b = 0; b < ks.Length; b++)
            Assert.Equal(recording.Rates[ks[b] + 40, 2].item<float>(), targets[b, 2].item<float>(), Exact);
    }

    /// <summary>Oracle: the counts of bins k … k+History−1, sliced directly for each window k.</summary>
    [Fact]
    public void SpikeHistory_HoldsTheCountsOfTheBinsEachWindowCovers()
    {
        TestTorch.Cpu();
        using var scope = TorchSharp.torch.NewDisposeScope();
        var counts = TorchSharp.torch.randint(0, 5, [120, 2], generator: new TorchSharp.torch.Generator(3)).to(TorchSharp.torch.float32);
        using var recording = new Recording(TorchSharp.torch.randn(120, 3, 3), TorchSharp.torch.rand(120, 2), 0.01,
            [new CellInfo(0, "a"), new CellInfo(1, "b")], RecordingProvenance.Of("test"), counts: counts);
        using var windows = new HistoryWindows(recording, history: 10);
        long[] ks = [109, 0, 55, 55];

        var history = windows.SpikeHistory(ks);

        Assert.Equal([4L, 10, 2], history.shape);
        for (int b = 0; b < ks.Length; b++)
            Assert.Equal(Exact, (history[b] - counts.narrow(0, ks[b], 10)).abs().max().item<float>());
    }

    [Fact]
    public void TheWindowsAreAView_NotACopyOfTheStimulus()
    {
        TestTorch.Cpu();
        using var recording = RecordingFixtures.Known(frames: 50);
        using var windows = new HistoryWindows(recording, history: 10);

        recording.Stimulus[15, 1, 1] = TorchSharp.torch.tensor(-5f);

        // Frame 15 is frame 15-k of window k for k = 6..15.
        Assert.Equal(-5f, windows.View[6, 9, 1, 1].item<float>());
        Assert.Equal(-5f, windows.View[15, 0, 1, 1].item<float>());
        Assert.Equal(recording.Stimulus.storage<float>().data_ptr(), windows.View.storage<float>().data_ptr());
    }

    [Fact]
    public void IndicesOutsideTheWindows_AreRefused()
    {
        TestTorch.Cpu();
        using var recording = RecordingFixtures.Known(frames: 50);
        using var windows = new HistoryWindows(recording, history: 40);

        Assert.Throws<ArgumentOutOfRangeException>(() => windows.Batch([10]));
        Assert.Throws<ArgumentOutOfRangeException>(() => windows.Batch([-1]));
    }

    [Fact]
    public void ARecordingNoLongerThanOneWindow_IsRefused_NamingItsLength()
    {
        TestTorch.Cpu();
        using var recording = RecordingFixtures.Known(frames: 40);

        var e = Assert.Throws<ArgumentException>(() => new HistoryWindows(recording, history: 40));

        Assert.Contains("40 frames", e.Message);
    }
}
