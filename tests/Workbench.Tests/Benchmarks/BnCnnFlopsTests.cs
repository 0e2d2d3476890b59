using Workbench.Benchmarks.SideBySide;
using Workbench.Models;
using Workbench.Models.Layers;

namespace Workbench.Tests.Benchmarks;

/// <summary>The side-by-side benchmark's FLOP count (nothing here is timed).</summary>
public class BnCnnFlopsTests
{
    /// <summary>Oracle: the counts worked by hand for the reference (40x50x50, 8@15x15 → 36x36, 8@11x11 → 26x26, 5 cells):
    /// conv1 2·40·15²·8·36² = 186,624,000; conv2 2·8·11²·8·26² = 10,469,888; readout 2·(8·26²)·5 = 54,080.</summary>
    [Fact]
    public void Reference_MatchesTheHandCount()
    {
        var flops = BnCnnFlops.For(ModelSpec.BnCnnFor(5));

        Assert.Equal(186_624_000d, flops.Conv1);
        Assert.Equal(10_469_888d, flops.Conv2);
        Assert.Equal(54_080d, flops.Readout);
        Assert.Equal(197_147_968d, flops.Forward);
        // 2 conv1 (no stimulus gradient) + 3 conv2 + 3 readout: the 0.41 GFLOP per training sample of issue 15.
        Assert.Equal(404_819_904d, flops.Training);
    }

    /// <summary>
    /// Oracle: a built model's own weights. A valid convolution does one multiply-add per weight (bias aside) per output
    /// position, and a dense layer one per weight; the positions come from the spec by hand. A non-square stimulus and
    /// unequal channels and kernels catch a formula that swaps height and width, or a layer's channels.
    /// </summary>
    [Fact]
    public void NonSquareSpec_CountsEachWeightOncePerOutputPosition()
    {
        var spec = ModelSpec.BnCnnFor(7, height: 40, width: 30) with { Channels = [4, 6], Kernels = [9, 7], History = 20 };
        using var model = new BnCnn(spec);
        var weights = model.named_parameters().Where(p => p.name.EndsWith("weight", StringComparison.Ordinal) && p.parameter.dim() >= 2)
            .Select(p => (p.name, count: (double)p.parameter.numel())).ToList();
        Assert.Equal(3, weights.Count); // conv1, conv2, readout

        var flops = BnCnnFlops.For(spec);

        // conv1's map is (40 − 8) × (30 − 8) = 32 × 22; conv2's is 26 × 16; the readout is applied once.
        Assert.Equal(2 * weights[0].count * 32 * 22, flops.Conv1);
        Assert.Equal(2 * weights[1].count * 26 * 16, flops.Conv2);
        Assert.Equal(2 * weights[2].count, flops.Readout);
    }

    [Fact]
    public void StackedModel_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => BnCnnFlops.For(ModelSpec.StackedFor(5)));
    }
}
