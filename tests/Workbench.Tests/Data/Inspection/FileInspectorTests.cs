using Workbench.Data.Inspection;
using Workbench.Tests.Data.DeepRetina;

namespace Workbench.Tests.Data.Inspection;

public class FileInspectorTests(H5pyFixtures fixtures) : IClassFixture<H5pyFixtures>
{
    [Fact]
    public void DeepRetinaFile_IsDescribedFully()
    {
        const string name = "uint8-chunked-gzip-pooled.h5";

        var info = FileInspector.Inspect(fixtures.File(name), statistics: true);

        Assert.Equal("deep-retina", info.Layout);
        var train = info.Splits.Single(s => s.Name == "train");
        var test = info.Splits.Single(s => s.Name == "test");
        Assert.Equal((60L, 6L, 5L, "uint8", 3L), (train.Frames, train.Height, train.Width, train.StimulusType, train.Cells));
        Assert.Equal([5, 10, 20], train.RateResolutionsMs);
        Assert.True(train.HasBinnedCounts);
        Assert.Equal((4L, "firing_rate_10ms"), (test.Repeats, test.RepeatsLayout));
        Assert.Equal("cellNN x3", FileInspector.Inspect(fixtures.File("uint8-chunked-gzip-cells.h5")).Splits.Single(s => s.Name == "test").RepeatsLayout);
        Assert.Equal(0.6, train.Seconds, 1e-9);
        Assert.Equal(1, info.Stas);
        Assert.Equal(fixtures.Statistics[name]["mean"], train.Statistics!.Mean, 1e-6);
        Assert.Equal(fixtures.Statistics[name]["std"], train.Statistics.Std, 1e-6);
        var stimulus = info.Entries.Single(e => e.Path == "/train/stimulus");
        Assert.Equal("chunked", stimulus.Layout);
        Assert.Equal([7L, 6, 5], stimulus.Chunks!);
    }

    [Fact]
    public void TheOffByOneIsPointedOut()
    {
        var info = FileInspector.Inspect(fixtures.File("off-by-one.h5"));

        Assert.Contains(info.Notes, n => n.Contains("test/response/firing_rate_10ms has one more bin than the stimulus"));
    }
}
