using TorchSharp;
using Workbench.Analysis;
using Workbench.Data;
using Workbench.Models;
using Workbench.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Workbench.Tests.Analysis;

public class GradientReceptiveFieldsTests(ITestOutputHelper output)
{
    /// <summary>Float32 autograd against a float64 analytic gradient: rounding of a few hundred-term dot products.</summary>
    private const double AnalyticTolerance = 1e-5;

    /// <summary>
    /// Oracle: a model whose output is a constant has no gradient path from its input, an LN model has; asking leaves the
    /// model's parameters trainable and its training mode as they were.
    /// </summary>
    [Fact]
    public void DependsOnInput_TellsAConstantModelFromAnLnModel_AndRestoresTheModel()
    {
        TestTorch.Cpu(seed: 52);
        using var constant = new Workbench.Tests.Phenomena.ConstantPlanted(6, 6);
        using var ln = new LnModel(new ModelSpec { Kind = ModelKind.Ln, Cells = 2, History = 40, Height = 6, Width = 6 });
        ln.train();
        using var window = torch.randn(1, 40, 6, 6);
        Assert.False(GradientReceptiveFields.DependsOnInput(constant, window.narrow(1, 0, (int)constant.Spec.History)));
        Assert.True(GradientReceptiveFields.DependsOnInput(ln, window));
        Assert.All(ln.parameters(), p => Assert.True(p.requires_grad));
        Assert.True(ln.training);
    }

    /// <summary>
    /// Oracle: an LN model's IRF is its filter times softplus'(generator) = sigmoid(generator) > 0, so every IRF correlates 1
    /// with the average (to float32 rounding) and none is reversed; each IRF equals the analytic one computed in float64.
    /// </summary>
    [Fact]
    public void ForAnLnModel_EveryInstantaneousRf_IsTheAverageRf()
    {
        TestTorch.Cpu(seed: 51);
        const int history = 40, size = 6;
        using var model = new LnModel(new ModelSpec { Kind = ModelKind.Ln, Cells = 2, History = history, Height = size, Width = size });
        using (torch.no_grad()) model.parameters().Last().copy_(torch.tensor(new float[] { 0.5f, -1 }));
        using var stimulus = torch.randn(300, size, size);

        var irfs = GradientReceptiveFields.Compute(model, stimulus, UnitAddress.OutputCell(1), batchSize: 64, keepFields: true);

        Assert.Equal(260, irfs.Correlations.Length);
        double worst = irfs.Correlations.Min();
        output.WriteLine($"LN model: lowest IRF-to-average correlation 1 − {1 - worst:E2}, reversed fraction {irfs.ReversedFraction}");
        Assert.True(worst > 1 - 1e-6, $"lowest correlation {worst}");
        Assert.Equal(0, irfs.ReversedFraction);

        using var scope = torch.NewDisposeScope();
        var x = ProbeFixtures.Materialise(stimulus, Enumerable.Range(0, 260).Select(i => (long)i), history).to(float64).flatten(1);
        var f = model.Filters[1].to(float64).flatten();
        var generator = x.matmul(f) + model.parameters().Last()[1].to(float64);
        var expected = generator.sigmoid().unsqueeze(1) * f;
        var got = irfs.Fields!.to(float64).flatten(1);
        double error = (got - expected).abs().max().item<double>() / expected.abs().max().item<double>();
        Assert.True(error < AnalyticTolerance, $"max relative difference {error}");
        double averageError = (irfs.Average.to(float64).flatten() - expected.mean([0])).abs().max().item<double>() / expected.abs().max().item<double>();
        Assert.True(averageError < AnalyticTolerance, $"average: max relative difference {averageError}");
        AssertClose(generator.softplus().to(CPU).data<double>().ToArray(), irfs.Responses, 1e-5);
    }

    /// <summary>
    /// Oracle: r = (a·x)² + 0.5·relu(b·x) has gradient 2(a·x)·a + 0.5·1[b·x > 0]·b, written out in float64; its polarity
    /// flips with the sign of a·x, so about half the time steps are reversed, and exactly those whose analytic gradient
    /// correlates negatively with the analytic average. Kept IRFs and the two-pass recomputation agree.
    /// </summary>
    [Fact]
    public void ForAPlantedQuadraticAndRectifiedUnit_TheGradientIsTheAnalyticDerivative()
    {
        TestTorch.Cpu(seed: 52);
        const int history = 40, size = 5;
        var a = torch.randn(history, size, size) / 30;
        var b = torch.randn(history, size, size) / 30;
        using var model = new PlantedUnits(a, b, alpha: 1, beta: 0.5);
        using var stimulus = torch.randn(240, size, size) + 0.2;

        var kept = GradientReceptiveFields.Compute(model, stimulus, UnitAddress.OutputCell(0), batchSize: 48, keepFields: true);
        var twoPass = GradientReceptiveFields.Compute(model, stimulus, UnitAddress.OutputCell(0), batchSize: 48, storeBytes: 0);

        using var scope = torch.NewDisposeScope();
        var x = ProbeFixtures.Materialise(stimulus, Enumerable.Range(0, 200).Select(i => (long)i), history).to(float64).flatten(1);
        var a64 = a.to(float64).flatten();
        var b64 = b.to(float64).flatten();
        var pa = x.matmul(a64);
        var pb = x.matmul(b64);
        var expected = 2 * pa.unsqueeze(1) * a64 + 0.5 * (pb > 0).to(float64).unsqueeze(1) * b64;
        double error = (kept.Fields!.to(float64).flatten(1) - expected).abs().max().item<double>() / expected.abs().max().item<double>();
        Assert.True(error < AnalyticTolerance, $"max relative difference {error}");

        var average = expected.mean([0]);
        double[] expectedCorrelations = GradientReceptiveFields.Correlate(expected, average);
        AssertClose(expectedCorrelations, kept.Correlations, 1e-5);
        AssertClose(kept.Correlations, twoPass.Correlations, 1e-12);
        double reversed = expectedCorrelations.Count(c => c < 0) / 200.0;
        output.WriteLine($"planted unit: reversed fraction {kept.ReversedFraction:F3} (analytic {reversed:F3})");
        Assert.Equal(reversed, kept.ReversedFraction);
        Assert.InRange(kept.ReversedFraction, 0.1, 0.9); // the planted unit does flip: the test can see a wrong count
        Assert.Null(twoPass.Fields);
    }

    /// <summary>
    /// Oracle: central finite differences of a float64 copy of a BN-CNN (step 1e-6, error ~1e-10) at 40 random input
    /// entries (observed 4e-9 and 2e-8 of the largest entry, rounding of r/step; allowed 1e-6), for a layer-1 unit before its ReLU
    /// and for an output cell; and the float32 model's gradients (the route the
    /// workbench's convolutions take) against the float64 model's.
    /// </summary>
    [Theory]
    [InlineData("bn1", 2, 3, 4)]
    [InlineData("output", 1, 0, 0)]
    public void BnCnnGradients_MatchFiniteDifferencesInFloat64(string layer, int channel, int row, int column)
    {
        TestTorch.Cpu(seed: 53);
        var unit = new UnitAddress(layer, channel, row, column);
        using var model = ProbeFixtures.SmallBnCnn();
        using var model64 = ProbeFixtures.SmallBnCnn();
        model64.load_state_dict(model.state_dict());
        model64.to(float64);
        model64.eval();
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(3, 40, 12, 12, float64);

        var g64 = GradientReceptiveFields.Gradients(model64, x, unit);
        var g32 = GradientReceptiveFields.Gradients(model, x.to(float32), unit);

        const double step = 1e-6;
        var picks = torch.randint(0, 40 * 12 * 12, [40], dtype: int64);
        var probes = new List<Tensor>();
        foreach (long i in picks.data<long>())
            for (int sign = 1; sign >= -1; sign -= 2)
            {
                var p = x.clone().view(3, -1);
                p[.., i] += sign * step;
                probes.Add(p.view(3, 40, 12, 12));
            }
        Tensor r;
        using (torch.no_grad()) r = LayerProbe.Select(model64.Activations(torch.cat(probes, 0), layer == "output" ? [] : [layer]), [unit]).view(40, 2, 3);
        var finite = ((r.select(1, 0) - r.select(1, 1)) / (2 * step)).t();                  // (3, 40)
        var autograd = g64.view(3, -1).index_select(1, picks);
        double scale = g64.abs().max().item<double>();
        double fdError = (finite - autograd).abs().max().item<double>() / scale;
        double f32Error = (g32.to(float64) - g64).abs().max().item<double>() / scale;
        output.WriteLine($"{unit}: finite differences {fdError:E2}, float32 vs float64 {f32Error:E2} (relative to max |g| = {scale:E2})");
        Assert.True(fdError < 1e-6, $"autograd vs finite differences: {fdError}");
        Assert.True(f32Error < 1e-4, $"float32 vs float64 gradients: {f32Error}");
    }

    [Fact]
    public void Gradients_LeaveTheModelsParametersWithoutGradients_AndTrainable()
    {
        TestTorch.Cpu(seed: 54);
        using var model = ProbeFixtures.SmallBnCnn();
        using var x = torch.randn(4, 40, 12, 12);

        using var g = GradientReceptiveFields.Gradients(model, x, UnitAddress.OutputCell(0));

        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
        Assert.Equal(x.shape, g.shape);
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"[{i}]: expected {expected[i]}, got {actual[i]} (tolerance {tolerance})");
    }

    /// <summary>A unit that ignores its input has a zero gradient (libtorch's autograd would abort the process if asked), so its IRFs are all silent.</summary>
    [Fact]
    public void AConstantModel_HasZeroGradients_AndSilentIrfs()
    {
        TestTorch.Cpu();
        using var model = new Workbench.Tests.Phenomena.ConstantPlanted(4, 4);
        using var inputs = torch.randn(3, 40, 4, 4);
        using var g = GradientReceptiveFields.Gradients(model, inputs, UnitAddress.OutputCell(0));
        Assert.Equal(inputs.shape, g.shape);
        Assert.Equal(0f, g.abs().max().item<float>());
        var irfs = GradientReceptiveFields.Compute(model, torch.randn(50, 4, 4), UnitAddress.OutputCell(0));
        Assert.Equal(10, irfs.Silent);
        Assert.True(double.IsNaN(irfs.ReversedFraction));
    }
}
