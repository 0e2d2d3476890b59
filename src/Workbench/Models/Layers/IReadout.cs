using static TorchSharp.torch;

namespace Workbench.Models.Layers;

/// <summary>
/// A per-cell readout of a core's feature maps <c>(B, C, H, W)</c> to one drive per cell <c>(B, N)</c>, before the output
/// nonlinearity, with its own regulariser and a bias that can start at each cell's mean rate.
/// </summary>
public interface IReadout
{
    /// <summary>The readout's penalty (a scalar), a mean over cells so its weight carries over between recordings of different
    /// sizes; added to the training loss.</summary>
    Tensor Regularisation();

    /// <summary>Sets each cell's bias so the output nonlinearity gives <paramref name="drive"/> (softplus⁻¹ of the mean rate)
    /// for a drive of 0 from the maps.</summary>
    void InitialiseBias(Tensor drive);

    /// <summary>Trainable parameters per cell (its share of the readout), by the readout's formula.</summary>
    long ParametersPerCell { get; }
}
