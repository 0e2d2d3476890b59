using TorchSharp;
using Workbench.Data;
using Workbench.Models;
using Workbench.Tests.Support;
using static TorchSharp.torch;

namespace Workbench.Tests.Models;

/// <summary>
/// Running a model over consecutive frames (<see cref="RetinaModel.MovieActivations"/>) gives every layer the same
/// numbers as running it over the gathered windows, for every family — the BN-CNN through its space-time FFT first
/// layer, the others through the gathered windows — and the BN-CNN's kept kernel spectrum follows weight changes.
/// </summary>
public class MovieActivationsTests
{
    /// <summary>Relative error accepted between the two paths (float32 transforms vs direct kernels; measured ~1e-6).</summary>
    private const double Tolerance = 2e-5;

    private const int Cells = 3, Size = 30;

    public static TheoryData<ModelKind> Kinds => [ModelKind.BnCnn, ModelKind.Stacked, ModelKind.Ln, ModelKind.RevCorLn];

    private static ModelSpec SpecFor(ModelKind kind) => new()
    {
        Kind = kind, Cells = Cells, Height = Size, Width = Size, Cutout = 9,
        CellPositions = [new CellPosition(10, 12), new CellPosition(16, 16), new CellPosition(20, 9)],
        ReadoutBias = kind != ModelKind.Stacked,
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryLayer_EqualsTheWindowedForward(ModelKind kind)
    {
        TestTorch.Cpu(seed: 161);
        using var model = RetinaModels.Create(SpecFor(kind));
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // 250 frames: 211 windows, more than one chunk of the sliding transform (141 windows); a view that starts inside
        // its storage, as probes pass a stretch of a recording's stimulus.
        var frames = randn(300, Size, Size).narrow(0, 37, 250);

        var movie = model.MovieActivations(frames);
        var windowed = model.Activations(MovieWindows.Of(frames, 40));

        foreach (string layer in model.LayerNames.Append("output"))
            AssertClose(movie[layer], windowed[layer], $"{kind} {layer}");
        AssertClose(model.PredictMovie(frames), windowed["output"], $"{kind} PredictMovie");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void WithoutRates_TheNamedLayersAreTheSame_AndNoRatesAreReturned(ModelKind kind)
    {
        TestTorch.Cpu(seed: 163);
        using var model = RetinaModels.Create(SpecFor(kind));
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var frames = randn(120, Size, Size);
        string first = model.LayerNames[0];

        var early = model.MovieActivations(frames, [first], rates: false);

        Assert.False(early.ContainsKey("output"), $"{kind}: rates were returned though not asked for");
        AssertClose(early[first], model.Activations(MovieWindows.Of(frames, 40), [first])[first], $"{kind} {first} without rates");
    }

    [Fact]
    public void BnCnn_FollowsItsWeights_WhenTheyChangeBetweenCalls()
    {
        TestTorch.Cpu(seed: 162);
        using var model = new BnCnn(SpecFor(ModelKind.BnCnn));
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var frames = randn(60, Size, Size);
        var before = model.MovieActivations(frames, ["conv1"])["conv1"];

        var weight = model.named_parameters().Single(p => p.name == "conv1.weight").parameter;
        weight.mul_(-2);
        var after = model.MovieActivations(frames, ["conv1"])["conv1"];

        AssertClose(after, model.Activations(MovieWindows.Of(frames, 40), ["conv1"])["conv1"], "after the change");
        Assert.True((after - before).abs().max().item<float>() > 0.1, "the kept kernel spectrum was used after the weights changed");
    }

    [Fact]
    public void Glm_Refuses_BecauseItNeedsTheRecordedSpikes()
    {
        var spec = SpecFor(ModelKind.Glm);
        using var model = RetinaModels.Create(spec);
        var error = Assert.Throws<ArgumentException>(() => model.PredictMovie(zeros(50, Size, Size)));
        Assert.Contains("spike history", error.Message);
    }

    [Fact]
    public void WrongFrameShape_IsNamed()
    {
        using var model = RetinaModels.Create(SpecFor(ModelKind.BnCnn));
        var error = Assert.Throws<ArgumentException>(() => model.PredictMovie(zeros(30, Size, Size)));
        Assert.Contains($"(T >= 40, {Size}, {Size}), got [30, {Size}, {Size}]", error.Message);
    }


    private static void AssertClose(Tensor actual, Tensor expected, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        double error = ((actual.to(float64) - expected.to(float64)).abs().max() / expected.to(float64).abs().max().clamp_min(1e-12)).item<double>();
        Assert.True(error < Tolerance, $"{what}: relative error {error}");
    }
}
