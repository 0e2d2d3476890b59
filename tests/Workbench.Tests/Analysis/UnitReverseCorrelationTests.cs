using TorchSharp;
using Workbench.Analysis;
using Workbench.Data;
using Workbench.Models;
using Workbench.Statistics;
using Workbench.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Workbench.Tests.Analysis;

public class UnitReverseCorrelationTests(ITestOutputHelper output)
{
    /// <summary>Float32 products per batch summed in float64, against a float64 direct sum.</summary>
    private const double DirectSumTolerance = 1e-4;

    /// <summary>
    /// Oracle: the windows materialised one by one, the units' responses from one forward pass over all of them, and
    /// Σ (r − r̄)·x / K written out in float64, for the central unit of every channel of layer 1 (before its ReLU) and of
    /// layer 2 (after it) at once.
    /// </summary>
    [Fact]
    public void UnitStas_EqualTheDirectSumOverMaterialisedWindows()
    {
        TestTorch.Cpu(seed: 41);
        using var model = ProbeFixtures.SmallBnCnn();
        using var recording = ProbeFixtures.WhiteNoise(400, 12, 12);
        using var windows = new HistoryWindows(recording);
        WindowRange[] ranges = [new(0, 150), new(200, 360)];
        var units = LayerProbe.CentralUnits(model, "bn1").Concat(LayerProbe.CentralUnits(model, "relu2")).ToList();

        using var stas = UnitReverseCorrelation.Stas(model, windows, ranges, units, batchSize: 64);

        var indices = ranges.SelectMany(r => Enumerable.Range((int)r.Start, (int)r.Length).Select(i => (long)i)).ToList();
        using var scope = torch.NewDisposeScope();
        var x = ProbeFixtures.Materialise(recording.Stimulus, indices, 40);
        Tensor r;
        using (torch.no_grad()) r = LayerProbe.Select(model.Activations(x), units).to(float64);
        var x64 = x.to(float64).flatten(1);
        var expected = ((r - r.mean([0])).t().matmul(x64) / indices.Count).view(units.Count, 40, 12, 12);
        Assert.Equal(expected.shape, stas.shape);
        for (int u = 0; u < units.Count; u++)
        {
            double scale = expected[u].abs().max().item<double>();
            double error = (stas[u].to(float64) - expected[u]).abs().max().item<double>();
            Assert.True(scale > 0 && error <= DirectSumTolerance * scale, $"{units[u]}: max difference {error} (scale {scale})");
        }
    }

    /// <summary>
    /// Oracle: for a linear unit r = f·x + c under Gaussian white noise of variance σ², the STA is σ²·f. Sampling error:
    /// |STA − σ²f| / (σ²|f|) ≈ √((D + 1) / K) for D filter entries and K windows (0.063 here); allowed 1.5 times that. The
    /// generator's large offset c (a mean far above its fluctuations) checks that the mean response is removed exactly.
    /// </summary>
    [Fact]
    public void LinearUnitsSta_IsItsFilterTimesTheStimulusVariance()
    {
        TestTorch.Cpu(seed: 42);
        const double std = 2;
        const int frames = 40_010, history = 10, size = 4;
        var spec = new ModelSpec { Kind = ModelKind.Ln, Cells = 2, History = history, Height = size, Width = size };
        using var model = new LnModel(spec);
        var filters = torch.randn(2, history, size, size);
        filters /= filters.flatten(1).norm(1, keepdim: true).view(2, 1, 1, 1);
        using (torch.no_grad())
        {
            model.Filters.copy_(filters);
            model.parameters().Last().copy_(torch.tensor(new float[] { 50, -20 }));
        }
        using var recording = ProbeFixtures.WhiteNoise(frames, size, size, std);
        using var windows = new HistoryWindows(recording, history);

        using var stas = UnitReverseCorrelation.Stas(model, windows, [new WindowRange(0, windows.Count)],
            [new UnitAddress("linear", 0), new UnitAddress("linear", 1)], batchSize: 4096);

        double expectedError = Math.Sqrt((history * size * size + 1.0) / windows.Count);
        for (int c = 0; c < 2; c++)
        {
            var planted = filters[c] * (std * std);
            double relative = ((stas[c] - planted).norm() / planted.norm()).item<float>();
            output.WriteLine($"cell {c}: |STA − σ²f| / |σ²f| = {relative:F4} (sampling error ≈ {expectedError:F4})");
            Assert.True(relative < 1.5 * expectedError, $"cell {c}: relative error {relative}, expected about {expectedError}");
        }
    }

    /// <summary>
    /// Oracle: a quadratic unit r = (a·x)² under white noise of variance σ² has ΔC = 2σ²·ââᵀ exactly (E[r x xᵀ] / E[r] =
    /// σ²I + 2σ²ââᵀ, and the weighted mean is 0), so one eigenvalue 2σ² with eigenvector ±â and the rest 0. Tolerances are
    /// sampling error for D = 90 dimensions and K = 30,000 windows (observed: eigenvalue 4.54 for 4.5, |cos| 0.996, next
    /// eigenvalue 0.08 of the first).
    /// </summary>
    [Fact]
    public void CovarianceOfAQuadraticUnit_HasOneEigenvector_ItsFilter()
    {
        TestTorch.Cpu(seed: 44);
        const double std = 1.5;
        const int history = 10, size = 6;
        var a = torch.zeros(history, size, size);
        a[.., 1..4, 2..5] = torch.randn(history, 3, 3); // inside the 3x3 cutout at (1, 2)
        a /= a.norm();
        using var model = new PlantedUnits(a, torch.zeros(history, size, size), alpha: 1, beta: 0);
        using var recording = ProbeFixtures.WhiteNoise(30_010, size, size, std);
        using var windows = new HistoryWindows(recording, history);

        var stc = UnitReverseCorrelation.Covariance(model, windows, [new WindowRange(0, windows.Count)], UnitAddress.OutputCell(0),
            top: 1, left: 2, height: 3, width: 3, batchSize: 4096);

        double top = stc.Eigenvalues[0].item<double>(), next = stc.Eigenvalues[1].item<double>(), last = stc.Eigenvalues[^1].item<double>();
        var v = stc.Eigenvectors[0];
        double cos = Math.Abs((v * a[.., 1..4, 2..5]).sum().item<float>() / v.norm().item<float>());
        output.WriteLine($"λ1 = {top:F3} (expected {2 * std * std}), λ2 = {next:F3}, λ_min = {last:F3}, |cos(v1, a)| = {cos:F4}");
        Assert.Equal(new long[] { 90, history, 3, 3 }, stc.Eigenvectors.shape);
        Assert.InRange(top, 0.9 * 2 * std * std, 1.1 * 2 * std * std);
        Assert.True(cos > 0.97, $"|cos| {cos}");
        Assert.True(Math.Max(Math.Abs(next), Math.Abs(last)) < 0.2 * top, $"other eigenvalues {next}, {last}");
        Assert.True(stc.Average.abs().max().item<float>() < 0.1 * std * std, "a symmetric unit's weighted mean is 0 (up to sampling)");
    }

    [Fact]
    public void Covariance_RejectsNegativeResponsesAndCutoutsOutsideTheStimulus()
    {
        TestTorch.Cpu(seed: 45);
        using var model = ProbeFixtures.SmallBnCnn();
        using var recording = ProbeFixtures.WhiteNoise(80, 12, 12);
        using var windows = new HistoryWindows(recording);
        WindowRange[] all = [new(0, windows.Count)];

        var negative = Assert.Throws<ArgumentException>(() => UnitReverseCorrelation.Covariance(model, windows, all, new UnitAddress("bn1", 0, 3, 3), 0, 0, 3, 3));
        Assert.Contains("bn1[0, 3, 3]", negative.Message);
        var outside = Assert.Throws<ArgumentException>(() => UnitReverseCorrelation.Covariance(model, windows, all, UnitAddress.OutputCell(0), 10, 0, 3, 3));
        Assert.Contains("12x12", outside.Message);
    }
}
