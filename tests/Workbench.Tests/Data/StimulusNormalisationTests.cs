using Workbench.Data;
using Workbench.Tests.Support;

namespace Workbench.Tests.Data;

public class StimulusNormalisationTests
{
    private const double Tolerance = 1e-9;

    [Fact]
    public void Statistics_MatchATwoPassFloat64Oracle_WhateverTheSlabSize()
    {
        TestTorch.Cpu(seed: 11);
        using var stimulus = (TorchSharp.torch.rand(new long[] { 1000, 5, 6 }) * 255).floor();
        double[] v = stimulus.data<float>().Select(f => (double)f).ToArray();
        double mean = v.Average(), std = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / v.Length);

        foreach (long slab in new long[] { 1, 7, 4096 })
        {
            var n = StimulusNormalisation.Of(stimulus, slab);
            Assert.Equal(mean, n.Mean, Tolerance);
            Assert.Equal(std, n.Std, Tolerance);
        }
    }

    [Fact]
    public void Apply_GivesZeroMeanUnitStd_OnTheStimulusItComesFrom()
    {
        TestTorch.Cpu(seed: 12);
        using var stimulus = TorchSharp.torch.rand(new long[] { 300, 4, 4 }) * 100 + 20;
        var n = StimulusNormalisation.Of(stimulus);

        n.ApplyInPlace(stimulus, slabFrames: 64);

        Assert.Equal(0, stimulus.mean().item<float>(), 1e-4);
        Assert.Equal(1, stimulus.std(unbiased: false).item<float>(), 1e-4);
    }
}
