using TorchSharp;
using TorchSharp.Modules;
using Workbench.Runtime;
using static TorchSharp.torch;

namespace Workbench.Models.Layers;

/// <summary>
/// The convolutional ganglion-cell readout: a convolution with one output channel per cell, each cell read from its own
/// channel at the map position under its receptive-field centre.
/// </summary>
/// <remarks>
/// The reference (<c>GrabUnits</c>) reads every cell at map index 10 whatever its centre, a quirk of its offset arithmetic;
/// here each cell is read at its true centre (stimulus position minus the half-widths of the three kernels), clamped to the map.
/// </remarks>
public sealed class CellReadout : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly Tensor rows;
    private readonly Tensor columns;

    /// <summary>Creates the readout.</summary>
    /// <param name="inChannels">Channels of the incoming maps.</param>
    /// <param name="kernel">Kernel of the readout convolution.</param>
    /// <param name="mapRows">Per cell, the row to read in the output map.</param>
    /// <param name="mapColumns">Per cell, the column to read in the output map.</param>
    /// <param name="bias">Whether the convolution has a bias.</param>
    /// <param name="name">Module name.</param>
    public CellReadout(long inChannels, int kernel, IReadOnlyList<long> mapRows, IReadOnlyList<long> mapColumns, bool bias,
        string name = nameof(CellReadout)) : base(name)
    {
        conv = nn.Conv2d(inChannels, mapRows.Count, kernel, bias: bias);
        rows = Parameters.Buffer(torch.tensor(mapRows.ToArray()));
        columns = Parameters.Buffer(torch.tensor(mapColumns.ToArray()));
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var maps = Convolutions.Conv2d(input, conv.weight!, conv.bias); // (B, N, h, w), on the self-check's route
        long n = maps.shape[1], w = maps.shape[3];
        var flat = maps.flatten(2); // (B, N, h·w)
        var index = (rows * w + columns).to(maps.device).view(1, n, 1).expand(maps.shape[0], n, 1);
        return flat.gather(2, index).view(maps.shape[0], n).MoveToOuterDisposeScope();
    }
}
