using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Models.Layers;

/// <summary>Adds zero-mean Gaussian noise of a fixed standard deviation in training mode only (identity in eval).</summary>
/// <remarks>The BN-CNN regulariser of McIntosh et al. 2016: noise after batch norm, before the ReLU.</remarks>
public sealed class GaussianNoise : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    /// <param name="std">Standard deviation of the noise (0.05 in the reference).</param>
    /// <param name="name">Module name.</param>
    public GaussianNoise(double std, string name = nameof(GaussianNoise)) : base(name)
    {
        if (!(std >= 0)) throw new ArgumentException($"Noise std must be non-negative, got {std}.", nameof(std));
        Std = std;
    }

    /// <summary>Standard deviation of the noise.</summary>
    public double Std { get; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) =>
        training && Std > 0 ? input + torch.randn_like(input) * Std : input.alias();
}
