using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbench.Models.Layers;

/// <summary>
/// The factorized readout of Klindt et al. 2017 (neuralpredictors' <c>FullFactorized2d</c>): each cell reads the maps
/// <c>(B, C, H, W)</c> through a spatial mask <c>m_n (H, W)</c> and a feature vector <c>f_n (C)</c>,
/// y_n = Σ_c f_nc Σ_hw m_nhw x_chw + b_n. Per cell H·W + C + 1 parameters (with bias).
/// </summary>
/// <remarks>
/// <para>With <see cref="Normalise"/> (the default, as neuralpredictors' <c>normalize=True</c>) each mask is used divided by
/// its L2 norm, so its scale lives in the features and the L1 on the mask acts on its shape only. With
/// <see cref="Positive"/> the mask and the features are used as their absolute values (differentiable, as openretina's
/// <c>abs</c> constraint), so each cell's drive is a non-negative pooling of non-negative features.</para>
/// <para>Regulariser: <see cref="MaskL1"/>·mean_n Σ_hw |m̂_n| + <see cref="FeatureL1"/>·mean_n Σ_c |f_n| (means over cells,
/// not sums, so the weights carry over between recordings with different numbers of cells).</para>
/// </remarks>
public sealed class FactorizedReadout : PerCellReadout
{
    private readonly Parameter spatial;   // (N, H, W)
    private readonly Parameter features;  // (N, C)

    /// <summary>Creates the readout for <paramref name="cells"/> cells on <paramref name="channels"/> maps of
    /// <paramref name="height"/>×<paramref name="width"/>; masks and features start as N(0, 0.001²) draws of the global generator.</summary>
    public FactorizedReadout(int channels, int height, int width, int cells, bool hasBias = true, bool positive = false, bool normalise = true,
        double maskL1 = 0.01, double featureL1 = 0.01, string name = "readout") : base("factorized", channels, height, width, cells, hasBias, name)
    {
        if (maskL1 < 0 || featureL1 < 0) throw new ArgumentException($"L1 weights must be ≥ 0; got mask {maskL1}, features {featureL1}.");
        Positive = positive; Normalise = normalise; MaskL1 = maskL1; FeatureL1 = featureL1;
        spatial = Parameters.Of(torch.randn(cells, height, width) * 1e-3);
        // Features start positive and equal (1/C, small noise), as the Gaussian readouts' do: with a unit-norm mask every
        // cell then starts as the mean of the maps under a random mask, not as zero whose gradient has no direction.
        features = Parameters.Of(torch.full(cells, channels, 1.0 / channels) + torch.randn(cells, channels) * 1e-3);
        RegisterComponents();
    }

    /// <summary>Masks and features used as their absolute values.</summary>
    public bool Positive { get; }
    /// <summary>Masks used with unit L2 norm.</summary>
    public bool Normalise { get; }
    /// <summary>Weight of the mask L1.</summary>
    public double MaskL1 { get; }
    /// <summary>Weight of the feature L1.</summary>
    public double FeatureL1 { get; }

    /// <inheritdoc/>
    public override long ParametersPerCell => (long)Height * Width + Channels + BiasParameters;

    /// <summary>The masks as used, (N, H, W): normalised and made positive as configured.</summary>
    public Tensor Masks()
    {
        var m = Positive ? spatial.abs() : (Tensor)spatial;
        return Normalise ? m / (m.flatten(1).square().sum(1).sqrt().view(-1, 1, 1) + 1e-6) : m;
    }

    /// <summary>The features as used, (N, C).</summary>
    public Tensor Features() => Positive ? features.abs() : features.alias();

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        CheckMaps(input);
        using var scope = torch.NewDisposeScope();
        // Pool each cell's mask over space first (B, N, C), then weight its features: (C + N)·H·W·B multiply-adds less than
        // forming the (N, C, H, W) weight.
        var pooled = torch.einsum("bchw,nhw->bnc", input, Masks());
        return WithBias((pooled * Features()).sum(2)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Tensor Regularisation()
    {
        using var scope = torch.NewDisposeScope();
        var penalty = MaskL1 * Masks().abs().flatten(1).sum(1).mean() + FeatureL1 * Features().abs().sum(1).mean();
        return penalty.MoveToOuterDisposeScope();
    }

}
