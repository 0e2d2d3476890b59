using Workbench.Data;
using Workbench.Models.Layers;
using Workbench.Tests.Support;
using static TorchSharp.torch;

namespace Workbench.Tests.Models;

public class CutoutsTests
{
    /// <summary>Float64 products summed in a different order (matrix product vs. element-wise sum): rounding only.</summary>
    private const double Float64Tolerance = 1e-12;

    // Two near opposite corners (shifted inside), one in the middle, one off the frame (clamped to the top-right edge).
    private static readonly CellPosition[] Centres = [new(0.2, 0.4), new(10.9, 12.8), new(5, 6), new(-3, 20)];

    /// <summary>The plain definition: each cell's patch, cut out with narrow, dotted with its filter (the path the models
    /// used before the matrix product).</summary>
    private static Tensor PatchDotFilter(Cutouts cutouts, Tensor input, Tensor filters) =>
        (cutouts.Extract(input).flatten(2) * filters.flatten(1).unsqueeze(0)).sum(2);

    [Fact]
    public void Project_EqualsEachPatchDottedWithItsFilter_ForwardAndBothGradients_Float64()
    {
        TestTorch.Cpu(seed: 11);
        using var scope = NewDisposeScope();
        var cutouts = new Cutouts(Centres, size: 4, height: 11, width: 13);
        var input = randn(3, 5, 11, 13, dtype: float64).requires_grad_(true);
        var filters = randn(4, 5, 4, 4, dtype: float64).requires_grad_(true);
        var outer = randn(3, 4, dtype: float64); // an arbitrary downstream loss: Σ outer · output

        var projected = cutouts.Project(input, filters);
        var (inputGrad, filterGrad) = Gradients(projected);
        var expected = PatchDotFilter(cutouts, input, filters);
        var (expectedInputGrad, expectedFilterGrad) = Gradients(expected);

        Assert.Equal([3L, 4], projected.shape);
        Assert.True((projected - expected).abs().max().item<double>() < Float64Tolerance);
        Assert.True((inputGrad - expectedInputGrad).abs().max().item<double>() < Float64Tolerance);
        Assert.True((filterGrad - expectedFilterGrad).abs().max().item<double>() < Float64Tolerance);
        // The oracle itself, for one cell at the clamped corner: rows 0..3, columns 9..12.
        Assert.Equal(new[] { 0, 7, 4, 0 }, cutouts.Rows.ToArray());
        Assert.Equal(new[] { 0, 9, 4, 9 }, cutouts.Columns.ToArray());
        double direct = (input.detach()[1].narrow(1, 0, 4).narrow(2, 9, 4) * filters.detach()[3]).sum().item<double>();
        Assert.Equal(direct, projected[1, 3].item<double>(), 1e-12);

        (Tensor, Tensor) Gradients(Tensor output)
        {
            input.grad?.zero_();
            filters.grad?.zero_();
            (output * outer).sum().backward();
            return (input.grad!.clone(), filters.grad!.clone());
        }
    }

    [Fact]
    public void Region_IsTheSmallestRectangleHoldingEveryPatch()
    {
        var cutouts = new Cutouts(Centres, size: 4, height: 11, width: 13);

        Assert.Equal(new StimulusRegion(0, 0, 11, 13), cutouts.Region);
        var inner = new Cutouts([new(4, 5), new(6, 8)], size: 3, height: 11, width: 13);
        // Corners (3, 4) and (5, 7): rows 3..7, columns 4..9.
        Assert.Equal(new StimulusRegion(3, 4, 5, 6), inner.Region);
    }

    [Fact]
    public void Project_OnInputCroppedToTheRegion_EqualsProjectOnWholeFrames_Float64()
    {
        TestTorch.Cpu(seed: 12);
        using var scope = NewDisposeScope();
        var cutouts = new Cutouts([new(4, 5), new(6, 8), new(5.4, 5.6)], size: 3, height: 11, width: 13);
        var r = cutouts.Region;
        var input = randn(6, 2, 11, 13, dtype: float64);
        var filters = randn(3, 2, 3, 3, dtype: float64);
        var cropped = input.narrow(2, r.Row, r.Height).narrow(3, r.Column, r.Width);

        var whole = cutouts.Project(input, filters);
        var fromCrop = cutouts.Project(cropped.contiguous(), filters, r.Row, r.Column);

        Assert.True((whole - fromCrop).abs().max().item<double>() < Float64Tolerance);
        Assert.True((whole - PatchDotFilter(cutouts, input, filters)).abs().max().item<double>() < Float64Tolerance);
    }

    [Fact]
    public void Project_RefusesInputThatDoesNotHoldThePatches()
    {
        TestTorch.Cpu();
        using var scope = NewDisposeScope();
        var cutouts = new Cutouts([new(4, 5), new(6, 8)], size: 3, height: 11, width: 13);
        var filters = randn(2, 2, 3, 3);

        // The region is rows 3..7, columns 4..9: a crop one row short, or from the wrong origin, does not hold it.
        Assert.Throws<ArgumentException>(() => cutouts.Project(randn(1, 2, 4, 6), filters, 3, 4));
        Assert.Throws<ArgumentException>(() => cutouts.Project(randn(1, 2, 5, 6), filters, 4, 4));
        Assert.Throws<ArgumentException>(() => cutouts.Project(randn(1, 2, 11, 13), randn(2, 3, 3, 3)));
    }
}
