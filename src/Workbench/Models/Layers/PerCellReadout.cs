using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbench.Models.Layers;

/// <summary>
/// What the per-cell readouts (<see cref="FactorizedReadout"/>, <see cref="GaussianReadout"/>) share: the size of the maps
/// they read and its check, and each cell's bias with its start at the mean rate.
/// </summary>
public abstract class PerCellReadout : nn.Module<Tensor, Tensor>, IReadout
{
    /// <summary>Each cell's bias, (N), or null. Named <c>bias</c> in checkpoints.</summary>
    protected readonly Parameter? bias;

    /// <summary>Checks the sizes and creates the bias (zeros); the derived readout registers its components.</summary>
    /// <exception cref="ArgumentException">A size below one.</exception>
    protected PerCellReadout(string kind, int channels, int height, int width, int cells, bool hasBias, string name) : base(name)
    {
        if (channels < 1 || height < 1 || width < 1 || cells < 1)
            throw new ArgumentException($"A {kind} readout needs at least one channel, map row, column and cell; got C {channels}, {height}x{width}, N {cells}.");
        Kind = kind; Channels = channels; Height = height; Width = width; Cells = cells;
        bias = hasBias ? Parameters.Of(torch.zeros(cells)) : null;
    }

    /// <summary>The readout's name in messages ("factorized", "Gaussian").</summary>
    protected string Kind { get; }
    /// <summary>Input channels.</summary>
    public int Channels { get; }
    /// <summary>Map height.</summary>
    public int Height { get; }
    /// <summary>Map width.</summary>
    public int Width { get; }
    /// <summary>Cells.</summary>
    public int Cells { get; }

    /// <inheritdoc/>
    public abstract long ParametersPerCell { get; }

    /// <inheritdoc/>
    public abstract Tensor Regularisation();

    /// <inheritdoc/>
    public void InitialiseBias(Tensor drive)
    {
        if (bias is null) return;
        using var _ = torch.no_grad();
        bias.copy_(drive);
    }

    /// <summary>1 with a bias, else 0: its share of <see cref="ParametersPerCell"/>.</summary>
    protected int BiasParameters => bias is null ? 0 : 1;

    /// <summary>Throws unless <paramref name="input"/> is (B, C, H, W) maps of this readout's size.</summary>
    protected void CheckMaps(Tensor input)
    {
        if (input.dim() != 4 || input.shape[1] != Channels || input.shape[2] != Height || input.shape[3] != Width)
            throw new ArgumentException($"The {Kind} readout reads maps (B, {Channels}, {Height}, {Width}); got [{string.Join(", ", input.shape)}].");
    }

    /// <summary><paramref name="drive"/> (B, N) plus each cell's bias, if any.</summary>
    protected Tensor WithBias(Tensor drive) => bias is null ? drive : drive + bias.to(drive.dtype);
}
