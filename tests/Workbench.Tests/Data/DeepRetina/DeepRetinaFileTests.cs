using System.Runtime.InteropServices;
using TorchSharp;
using Workbench.Data;
using Workbench.Data.DeepRetina;
using Workbench.TestSupport;
using Workbench.Tests.Support;
using static Workbench.Tests.Data.DeepRetina.H5pyFixtures;

namespace Workbench.Tests.Data.DeepRetina;

/// <summary>Files written by h5py read back exactly; normalisation matches numpy's statistics.</summary>
public class DeepRetinaFileTests(H5pyFixtures fixtures) : IClassFixture<H5pyFixtures>
{
    private const double FloatTolerance = 1e-5;

    public static TheoryData<string> AllFixtures() => [.. Names()];

    [Theory]
    [MemberData(nameof(AllFixtures))]
    public void H5pyFiles_ReadBackExactly_EveryTypeLayoutAndRepeatsForm(string name)
    {
        TestTorch.Cpu();
        bool floating = !name.StartsWith("uint8", StringComparison.Ordinal);
        var options = new DeepRetinaReadOptions { Normalise = false };

        using var train = DeepRetinaFile.Read(fixtures.File(name), "train", options);
        using var test = DeepRetinaFile.Read(fixtures.File(name), "test", options);

        AssertStimulus(train.Stimulus, TrainFrames, floating);
        AssertStimulus(test.Stimulus, TestFrames, floating);
        float[] rates = test.Rates.data<float>().ToArray();
        float[] counts = train.Counts!.data<float>().ToArray();
        for (long t = 0; t < TestFrames; t++)
            for (int n = 0; n < Cells; n++)
                Assert.Equal(Rate(n, t, 10), rates[t * Cells + n], FloatTolerance);
        for (long t = 0; t < TrainFrames; t++)
            for (int n = 0; n < Cells; n++)
                Assert.Equal(Binned(n, t), counts[t * Cells + n]);
        Assert.Equal([(long)Repeats, TestFrames, Cells], test.Repeats!.shape);
        Assert.Equal(Rate(2, 17, 10) + 3, test.Repeats[3, 17, 2].item<float>(), FloatTolerance);
        Assert.Null(train.Repeats);
        Assert.Equal(0.01, train.FramePeriod, 1e-12);
        Assert.Equal(["cell01", "cell02", "cell03"], train.Cells.Select(c => c.Name));
    }

    private static void AssertStimulus(torch.Tensor stimulus, long frames, bool floating)
    {
        Assert.Equal([frames, Height, Width], stimulus.shape);
        float[] values = stimulus.data<float>().ToArray();
        for (long t = 0; t < frames; t++)
            for (long y = 0; y < Height; y++)
                for (long x = 0; x < Width; x++)
                    Assert.Equal(Stimulus(t, y, x, floating), values[(t * Height + y) * Width + x], FloatTolerance);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(20)]
    public void OtherRateResolutions_AreSelectable(int binMs)
    {
        using var test = DeepRetinaFile.Read(fixtures.File("uint8-contiguous-pooled.h5"), "test", new DeepRetinaReadOptions { RateBinMs = binMs, Normalise = false });

        Assert.Equal(Rate(1, 4, binMs), test.Rates[4, 1].item<float>(), FloatTolerance);
        Assert.EndsWith($"firing_rate_{binMs}ms", test.Provenance.RateDataset);
    }

    [Fact]
    public void CellSelection_KeepsThoseCells_InTheGivenOrder()
    {
        using var test = DeepRetinaFile.Read(fixtures.File("float64-chunked-gzip-cells.h5"), "test", new DeepRetinaReadOptions { Cells = [2, 0], Normalise = false });

        Assert.Equal([2, 0], test.Cells.Select(c => c.Index));
        Assert.Equal(Rate(2, 5, 10), test.Rates[5, 0].item<float>(), FloatTolerance);
        Assert.Equal(Rate(0, 5, 10) + 1, test.Repeats![1, 5, 1].item<float>(), FloatTolerance);
    }

    [Fact]
    public void Experiment_NormalisesBothSplits_WithTheTrainingStatistics()
    {
        const string name = "uint8-chunked-shuffle-gzip-pooled.h5";
        double mean = fixtures.Statistics[name]["mean"], std = fixtures.Statistics[name]["std"];

        using var experiment = DeepRetinaFile.ReadExperiment(fixtures.File(name));

        Assert.Equal(mean, experiment.Normalisation!.Mean, 1e-9);
        Assert.Equal(std, experiment.Normalisation.Std, 1e-9);
        Assert.Equal((Stimulus(3, 2, 1, false) - mean) / (std + 1e-7), experiment.Test.Stimulus[3, 2, 1].item<float>(), 1e-5);
        Assert.Same(experiment.Normalisation, experiment.Test.Normalisation);
        Assert.Equal(experiment.Normalisation, DeepRetinaFile.TrainStatistics(fixtures.File(name)));
    }

    [Fact]
    public void OffByOneTestResponse_IsTrimmed_WithAWarning()
    {
        using var test = DeepRetinaFile.Read(fixtures.File("off-by-one.h5"), "test", new DeepRetinaReadOptions { Normalise = false });

        Assert.Equal(TestFrames, test.Rates.shape[0]);
        Assert.Equal(Rate(1, TestFrames - 1, 10), test.Rates[TestFrames - 1, 1].item<float>(), FloatTolerance);
        Assert.Contains(test.Provenance.Notes, n => n.StartsWith("warning: test/response/firing_rate_10ms has 31 bins for 30 stimulus frames; trimmed its last bin"));
    }
}
