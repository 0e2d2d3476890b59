using Workbench.Data;
using Workbench.Models;
using Workbench.Tests.Support;
using static TorchSharp.torch;

namespace Workbench.Tests.Models;

/// <summary>
/// LN and GLM models read only their cells' cutouts (<see cref="RetinaModel.InputRegion"/>): given input cropped to that
/// region they give every layer the numbers they give for whole frames, which is what lets training gather only the crop.
/// </summary>
public class InputRegionTests
{
    /// <summary>Float64 sums over the same products in a different order: rounding only.</summary>
    private const double Float64Tolerance = 1e-12;

    private const int Size = 20, History = 6;

    private static ModelSpec SpecFor(ModelKind kind) => new()
    {
        Kind = kind, Cells = 3, Height = Size, Width = Size, History = History, Cutout = 5, SpikeHistory = 4,
        // Corners (4, 6), (9, 10) and (2, 15), the last clamped at the right edge: rows 2..13, columns 6..19.
        CellPositions = [new CellPosition(6, 8), new CellPosition(11, 12), new CellPosition(4, 19.5)],
        MeanSpikeCounts = kind == ModelKind.Glm ? [0.3, 0.1, 0.7] : null,
    };

    public static TheoryData<ModelKind> Kinds => [ModelKind.Ln, ModelKind.Glm];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void CroppedInput_GivesTheWholeFrameNumbers_InEveryLayer(ModelKind kind)
    {
        TestTorch.Cpu(seed: 21);
        using var model = RetinaModels.Create(SpecFor(kind));
        model.to(float64);
        using var scope = NewDisposeScope();
        var region = model.InputRegion!;
        var input = randn(7, History, Size, Size, dtype: float64);
        var cropped = input.narrow(2, region.Row, region.Height).narrow(3, region.Column, region.Width).contiguous();
        var spikes = kind == ModelKind.Glm ? randint(0, 3, [7, History, 3]).to(float64) : null;

        var whole = model.Activations(input, spikeHistory: spikes);
        var fromCrop = model.Activations(cropped, spikeHistory: spikes);

        Assert.Equal(new StimulusRegion(2, 6, 12, 14), region);
        foreach (string layer in model.LayerNames.Append("output"))
            Assert.True((whole[layer] - fromCrop[layer]).abs().max().item<double>() < Float64Tolerance, layer);
        // The oracle: cell 1's generator signal (LN) or stimulus drive (GLM) as its filter dotted with its own cutout.
        var filters = kind == ModelKind.Ln ? ((LnModel)model).Filters : ((Glm)model).StimulusFilters;
        double direct = (input[4].narrow(1, 9, 5).narrow(2, 10, 5) * filters.detach()[1]).sum().item<double>();
        double bias = kind == ModelKind.Ln ? model.state_dict()["bias"][1].item<double>() : 0;
        Assert.Equal(direct + bias, whole[model.LayerNames[0]][4, 1].item<double>(), 1e-10);
    }

    [Fact]
    public void LnWithoutCutouts_ReadsWholeFrames_AndRefusesOtherShapes()
    {
        TestTorch.Cpu();
        using var whole = new LnModel(SpecFor(ModelKind.Ln) with { CellPositions = null });
        using var cut = new LnModel(SpecFor(ModelKind.Ln));
        using var scope = NewDisposeScope();

        Assert.Null(whole.InputRegion);
        var error = Assert.Throws<ArgumentException>(() => cut.Predict(zeros(2, History, 12, 13)));
        Assert.Contains("cropped to its input region (B, 6, 12, 14)", error.Message);
        Assert.Throws<ArgumentException>(() => whole.Predict(zeros(2, History, 12, 14)));
    }
}
