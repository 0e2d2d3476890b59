using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbench.Models.Layers;

/// <summary>Which statistics a batch-norm layer keeps.</summary>
public enum BatchNormMode
{
    /// <summary>One mean, variance, scale and shift per channel <em>and location</em>: the reference BN-CNN
    /// (BatchNorm1d over the flattened C·H·W features).</summary>
    PerLocation,
    /// <summary>One per channel (BatchNorm2d), as the paper's convgc models use.</summary>
    PerChannel,
}

/// <summary>
/// Batch normalisation over <c>(B, C, H, W)</c> maps, per channel or per channel × location, with an optional
/// non-negative scale (|γ|, the reference's AbsBatchNorm, which prevents sign inversion in linear-stacked models).
/// </summary>
/// <remarks>
/// Momentum follows torch: running = (1 − momentum)·running + momentum·batch; the reference uses 0.01 (Keras 0.99)
/// and eps 1e-3. Parameter names match torch's BatchNorm (weight, bias, running_mean, running_var).
/// </remarks>
public sealed class BatchNormalisation : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly Tensor running_mean;
    private readonly Tensor running_var;

    /// <summary>Creates the layer for maps of <paramref name="channels"/> × <paramref name="height"/> × <paramref name="width"/>
    /// (<paramref name="mode"/>, <paramref name="absoluteScale"/>, <paramref name="eps"/>, <paramref name="momentum"/>: see the properties; <paramref name="name"/>: module name).</summary>
    public BatchNormalisation(long channels, long height, long width, BatchNormMode mode, bool absoluteScale = false,
        double eps = 1e-3, double momentum = 0.01, string name = nameof(BatchNormalisation)) : base(name)
    {
        Mode = mode;
        AbsoluteScale = absoluteScale;
        Eps = eps;
        Momentum = momentum;
        Shape = [channels, height, width];
        long features = mode == BatchNormMode.PerLocation ? channels * height * width : channels;
        weight = Parameters.Of(torch.ones(features));
        bias = Parameters.Of(torch.zeros(features));
        running_mean = Parameters.Buffer(torch.zeros(features));
        running_var = Parameters.Buffer(torch.ones(features));
        RegisterComponents();
    }

    /// <summary>Per channel or per channel × location.</summary>
    public BatchNormMode Mode { get; }

    /// <summary>Whether the scale is |γ|.</summary>
    public bool AbsoluteScale { get; }

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Weight of the batch statistics in the running averages.</summary>
    public double Momentum { get; }

    /// <summary>(C, H, W) of the maps.</summary>
    public long[] Shape { get; }

    /// <summary>The scale actually applied (|γ| when <see cref="AbsoluteScale"/>).</summary>
    public Tensor EffectiveScale() => AbsoluteScale ? weight.abs() : weight.alias();

    /// <summary>The learned shift β.</summary>
    public Tensor Shift => bias;

    /// <summary>Running mean of the normalised features.</summary>
    public Tensor RunningMean => running_mean;

    /// <summary>Running variance of the normalised features.</summary>
    public Tensor RunningVariance => running_var;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        var scale = AbsoluteScale ? weight.abs() : weight;
        if (Mode == BatchNormMode.PerChannel)
            return nn.functional.batch_norm(input, running_mean, running_var, scale, bias, training, Momentum, Eps);
        var flat = input.flatten(1);
        return nn.functional.batch_norm(flat, running_mean, running_var, scale, bias, training, Momentum, Eps).view(input.shape);
    }
}
