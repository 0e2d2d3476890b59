using TorchSharp;
using Workbench.Simulation;
using Workbench.Stimuli;
using Workbench.Tests.Support;

namespace Workbench.Tests.Stimuli;

public class FlashTrainTests
{
    [Fact]
    public void Omitted_IsTheReferencesOsrStimulus()
    {
        TestTorch.Cpu();
        using var osr = FlashTrain.Omitted(3, 4);
        // Hand count (deep-retina.md §5): 42 + 34 blank, 8 periods of 6 blank + 2 flash, one omitted period, 34 blank.
        Assert.Equal(new long[] { 182, 3, 4 }, osr.Movie.shape);
        Assert.Equal(106, osr.OmittedResponseIndex);
        Assert.Equal(146, osr.OmittedFrame);
        Assert.Equal(8, osr.Period);
        Assert.Equal(Enumerable.Range(0, 8).Select(f => 82 + 8 * f), osr.FlashOnsets);
        var level = osr.Movie[.., 1, 2].data<float>().ToArray();
        for (int t = 0; t < 182; t++)
            Assert.Equal(osr.FlashOnsets.Any(o => t == o || t == o + 1) ? -2f : 0f, level[t]);
        Assert.Equal(0f, (osr.Movie - osr.Movie[.., ..1, ..1]).abs().max().item<float>());   // full field

        using var fast = FlashTrain.Omitted(1, 1, interval: 3, flashes: 4, intensity: -1);
        Assert.Equal(5, fast.Period);
        Assert.Equal(3 * 3 + 37 + 4 * 5 + 3, fast.OmittedFrame);
        Assert.Equal(fast.OmittedFrame - 40, fast.OmittedResponseIndex);
        Assert.Equal(fast.FlashOnsets[^1] + 5, fast.OmittedFrame);
        Assert.Throws<ArgumentOutOfRangeException>(() => FlashTrain.Omitted(1, 1, interval: 41));
    }

    [Fact]
    public void PairedFlashes_PutTheSecondFlashAnIntervalAfterTheFirst()
    {
        TestTorch.Cpu();
        using var both = FullField.PairedFlashes(5, 2, 2);
        var level = both[.., 0, 0].data<float>().ToArray();
        Assert.Equal(100, level.Length);
        for (int t = 0; t < 100; t++) Assert.Equal(t is 40 or 46 ? -2f : 0f, level[t]);
        using var second = FullField.PairedFlashes(5, 2, 2, first: false);
        Assert.Equal(-2f, second.sum().item<float>() / 4);
        Assert.Equal(-2f, second[46, 1, 1].item<float>());
    }

    [Fact]
    public void ContrastSteps_ScaleUnitNoiseByTheReferencesEnvelope()
    {
        TestTorch.Cpu();
        using var envelope = ContrastSteps.ReferenceStep();
        var e = envelope.data<float>().ToArray();
        Assert.Equal(300, e.Length);
        for (int t = 0; t < 300; t++) Assert.Equal(t is >= 105 and < 235 ? 0.1f : 0.7f, e[t]);
        using var generator = new torch.Generator(7);
        using var noise = WhiteNoise.Movie(new WhiteNoiseSpec(WhiteNoiseKind.Gaussian, 1, 3), 300, 30, 30, generator);
        using var movie = ContrastSteps.Modulate(noise, envelope);
        // Standard deviation of each segment ≈ its contrast (35·900 / 3-frame holds ≈ 10⁴ independent draws: 1.5 % s.e.).
        Assert.Equal(0.7, movie.narrow(0, 0, 105).std().item<float>(), 0.7 * 0.05);
        Assert.Equal(0.1, movie.narrow(0, 105, 130).std().item<float>(), 0.1 * 0.05);
        Assert.True((movie[200] - 0.1f * noise[200]).abs().max().item<float>() < 1e-7);
        Assert.Throws<ArgumentException>(() => ContrastSteps.Modulate(noise, envelope.narrow(0, 0, 10)));
    }
}
