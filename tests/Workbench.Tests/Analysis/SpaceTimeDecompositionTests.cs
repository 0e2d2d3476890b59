using TorchSharp;
using Workbench.Analysis;
using Workbench.Tests.Support;
using static TorchSharp.torch;

namespace Workbench.Tests.Analysis;

public class SpaceTimeDecompositionTests
{
    /// <summary>float32 results of a float64 SVD: agreement to single-precision rounding.</summary>
    private const double Tolerance = 1e-5;

    /// <summary>An OFF-centre cell's filter: a planted separable temporal ⊗ spatial with a negative temporal lobe.</summary>
    private static (Tensor Temporal, Tensor Spatial) Planted(long t = 12, long h = 7, long w = 9)
    {
        var time = torch.arange(t, dtype: float64);
        var temporal = -torch.exp(-(time - (t - 3)).square() / 4) + 0.4 * torch.exp(-(time - (t - 7)).square() / 6);
        var y = torch.arange(h, dtype: float64).view(-1, 1) - 3;
        var x = torch.arange(w, dtype: float64).view(1, -1) - 4;
        var r2 = y.square() + x.square();
        var spatial = torch.exp(-r2 / 2) - 0.3 * torch.exp(-r2 / 8);
        return (temporal, spatial);
    }

    /// <summary>Oracle: the planted components (the spatial one normalised, its peak positive); a separable filter explains 1.</summary>
    [Fact]
    public void SeparableFilter_IsRecoveredExactly_WithThePolarityInTheTemporalComponent()
    {
        TestTorch.Cpu(seed: 3);
        var (temporal, spatial) = Planted();
        var filter = (temporal.view(-1, 1, 1) * spatial.unsqueeze(0)).to(float32);

        var c = SpaceTimeDecomposition.Decompose(filter);

        double norm = spatial.norm().item<double>();
        var expectedSpatial = spatial / norm;        // its peak (centre) is positive already
        var expectedTemporal = temporal * norm;
        Assert.True((c.Spatial.to(float64) - expectedSpatial).abs().max().item<double>() < Tolerance);
        Assert.True((c.Temporal.to(float64) - expectedTemporal).abs().max().item<double>() < Tolerance * norm);
        Assert.Equal(1.0, c.VarianceExplained, 6);
        Assert.True(c.Temporal[c.Temporal.shape[0] - 3].item<float>() < 0, "an OFF cell's temporal kernel must carry the negative lobe");
        // Spatial ⊗ temporal rebuilds the filter.
        var rebuilt = c.Temporal.view(-1, 1, 1) * c.Spatial.unsqueeze(0);
        Assert.True((rebuilt - filter).abs().max().item<float>() < 1e-5);
    }

    /// <summary>Flipping a filter's sign flips only the temporal component (the fixed convention).</summary>
    [Fact]
    public void NegatedFilter_FlipsOnlyTheTemporalComponent()
    {
        var (temporal, spatial) = Planted();
        var filter = (temporal.view(-1, 1, 1) * spatial.unsqueeze(0)).to(float32);

        var a = SpaceTimeDecomposition.Decompose(filter);
        var b = SpaceTimeDecomposition.Decompose(-filter);

        Assert.True((a.Spatial - b.Spatial).abs().max().item<float>() < Tolerance);
        Assert.True((a.Temporal + b.Temporal).abs().max().item<float>() < Tolerance);
    }

    /// <summary>
    /// Oracle: a sum of two separable parts with orthonormal factors has singular values exactly their weights, so the first
    /// explains w₁² / (w₁² + w₂²); batched over several filters at once, each as decomposed alone.
    /// </summary>
    [Fact]
    public void TwoComponentFilters_ExplainTheirKnownShare_BatchedAsAlone()
    {
        TestTorch.Cpu(seed: 5);
        const long t = 10, h = 6, w = 6;
        var weights = new[] { (3.0, 1.0), (2.0, 2.0 * 0.5), (5.0, 0.1) };
        var filters = new List<Tensor>();
        foreach (var (w1, w2) in weights)
        {
            var (qt, _) = torch.linalg.qr(torch.randn(t, 2, dtype: float64));
            var (qs, _) = torch.linalg.qr(torch.randn(h * w, 2, dtype: float64));
            filters.Add((w1 * qt.select(1, 0).outer(qs.select(1, 0)) + w2 * qt.select(1, 1).outer(qs.select(1, 1))).view(t, h, w).to(float32));
        }
        var stack = torch.stack(filters);

        var all = SpaceTimeDecomposition.DecomposeAll(stack);

        for (int i = 0; i < weights.Length; i++)
        {
            var (w1, w2) = weights[i];
            Assert.Equal(w1 * w1 / (w1 * w1 + w2 * w2), all[i].VarianceExplained, 5);
            Assert.Equal(w1, all[i].SingularValue, 4);
            var alone = SpaceTimeDecomposition.Decompose(filters[i]);
            Assert.True((alone.Spatial - all[i].Spatial).abs().max().item<float>() < Tolerance);
            Assert.True((alone.Temporal - all[i].Temporal).abs().max().item<float>() < Tolerance);
        }
    }

    [Fact]
    public void BadFilters_AreClearErrors()
    {
        Assert.Contains("(T, H, W)", Assert.Throws<ArgumentException>(() => SpaceTimeDecomposition.Decompose(torch.zeros(3, 4))).Message);
        var nan = torch.zeros(1, 2, 3, 3);
        nan[0, 1, 1, 1] = torch.tensor(float.NaN);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => SpaceTimeDecomposition.DecomposeAll(nan)).Message);
    }
}
