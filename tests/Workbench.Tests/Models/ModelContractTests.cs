using TorchSharp;
using Workbench.Data;
using Workbench.Models;
using Workbench.Tests.Support;
using static TorchSharp.torch;

namespace Workbench.Tests.Models;

/// <summary>
/// The one contract every model family honours, so analyses work on any of them: <c>(B, 40, H, W)</c> stimulus histories in,
/// finite rates <c>(B, N)</c> out through <c>forward</c> (never a throw), and named layers whose activations share the batch.
/// </summary>
public class ModelContractTests
{
    private const int Cells = 3, Size = 32, Batch = 4;

    public static TheoryData<ModelKind> Kinds => [ModelKind.BnCnn, ModelKind.Stacked, ModelKind.Ln, ModelKind.Glm, ModelKind.RevCorLn];

    private static ModelSpec SpecFor(ModelKind kind) => new()
    {
        Kind = kind, Cells = Cells, Height = Size, Width = Size, Cutout = 9,
        CellPositions = [new CellPosition(10, 12), new CellPosition(16, 16), new CellPosition(20, 9)],
        ReadoutBias = kind != ModelKind.Stacked,
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryFamily_MapsStimulusHistories_ToFiniteRates_AndNamesItsLayers(ModelKind kind)
    {
        TestTorch.Cpu(seed: 21);
        using var model = RetinaModels.Create(SpecFor(kind));
        model.eval();
        using var x = torch.randn(Batch, 40, Size, Size);

        using var y = model.call(x);

        Assert.Equal(new long[] { Batch, Cells }, y.shape);
        Assert.True(torch.isfinite(y).all().item<bool>(), $"{kind}: non-finite rates");
        Assert.NotEmpty(model.LayerNames);
        var activations = model.Activations(x);
        foreach (string layer in model.LayerNames)
            Assert.Equal(Batch, activations[layer].shape[0]);
        Assert.True((activations["output"] - y).abs().max().item<float>() < 1e-6, $"{kind}: Activations' output differs from forward");
    }

    [Fact]
    public void ExternalModel_HonoursTheContractToo()
    {
        TestTorch.Cpu(seed: 22);
        var module = nn.Sequential(nn.Flatten(), nn.Linear(40 * 8 * 8, Cells), nn.Softplus());
        using var model = new ExternalModel(module, new ModelSpec { Cells = Cells, Height = 8, Width = 8 });
        using var y = model.call(torch.randn(Batch, 40, 8, 8));
        Assert.Equal(new long[] { Batch, Cells }, y.shape);
    }

    /// <summary>
    /// Oracle: without recorded spikes the GLM equals its own prediction given a history in which every cell fired its mean
    /// training count in every bin (and a silent history when the spec records no means).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Glm_WithoutRecordedSpikes_AssumesItsMeanTrainingCounts(bool withMeans)
    {
        TestTorch.Cpu(seed: 23);
        double[] means = [0.05, 0.4, 1.3];
        var spec = SpecFor(ModelKind.Glm) with { MeanSpikeCounts = withMeans ? means : null };
        using var model = new Glm(spec);
        using (torch.no_grad())
            model.HistoryFilters.copy_(torch.randn(Cells, spec.SpikeHistory) * 0.3); // non-zero, or the history would not matter
        using var x = torch.randn(Batch, 40, Size, Size);
        var perBin = withMeans ? torch.tensor(means.Select(m => (float)m).ToArray()) : torch.zeros(Cells);
        using var history = perBin.view(1, 1, Cells).expand(Batch, spec.SpikeHistory, Cells).contiguous();

        using var free = model.call(x);
        using var given = model.Predict(x, history);

        Assert.True((free - given).abs().max().item<float>() < 1e-5);
        if (withMeans)
        {
            using var silent = model.Predict(x, torch.zeros(Batch, spec.SpikeHistory, Cells));
            Assert.True((free - silent).abs().max().item<float>() > 1e-3, "the assumed history must matter when the means are known");
        }
    }

    [Fact]
    public void Glm_RejectsMeanCountsThatDoNotFitItsCells()
    {
        var spec = SpecFor(ModelKind.Glm) with { MeanSpikeCounts = [0.1, 0.2] };
        Assert.Contains("MeanSpikeCounts", Assert.Throws<ArgumentException>(() => new Glm(spec)).Message);
    }
}
