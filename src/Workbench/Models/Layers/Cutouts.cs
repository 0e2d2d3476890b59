using TorchSharp;
using Workbench.Data;
using static TorchSharp.torch;

namespace Workbench.Models.Layers;

/// <summary>
/// Square patches of the stimulus around each cell's receptive-field centre, as the paper's LN and GLM models see it:
/// (B, History, H, W) → (B, N, History, c, c). Patches near the border are shifted inside the stimulus.
/// </summary>
public sealed class Cutouts
{
    /// <summary>Places a <paramref name="size"/>×<paramref name="size"/> patch on each centre.</summary>
    /// <exception cref="ArgumentException">The patch is larger than the stimulus, or there are no centres.</exception>
    public Cutouts(IReadOnlyList<CellPosition> centres, int size, int height, int width)
    {
        if (centres.Count == 0) throw new ArgumentException("Cutouts need at least one receptive-field centre.");
        if (size < 1 || size > height || size > width)
            throw new ArgumentException($"A cutout of {size} checkers does not fit a {height}x{width} stimulus.");
        Size = size;
        Rows = centres.Select(c => Corner(c.Row, height)).ToArray();
        Columns = centres.Select(c => Corner(c.Column, width)).ToArray();

        int Corner(double centre, int extent) => Math.Clamp((int)Math.Round(centre - (size - 1) / 2.0), 0, extent - size);
    }

    /// <summary>Side of each patch.</summary>
    public int Size { get; }

    /// <summary>Top row of each cell's patch.</summary>
    public IReadOnlyList<int> Rows { get; }

    /// <summary>Left column of each cell's patch.</summary>
    public IReadOnlyList<int> Columns { get; }

    /// <summary>Each cell's own patch of per-cell maps <c>(N, T, H, W)</c> (filters, STAs) as <c>(N, T, c, c)</c>.</summary>
    public Tensor ExtractOwn(Tensor perCell)
    {
        if (perCell.dim() != 4 || perCell.shape[0] != Rows.Count)
            throw new ArgumentException($"Expected per-cell maps ({Rows.Count}, T, H, W), got [{string.Join(", ", perCell.shape)}].");
        using var scope = torch.NewDisposeScope();
        var patches = Enumerable.Range(0, Rows.Count)
            .Select(n => perCell[n].narrow(1, Rows[n], Size).narrow(2, Columns[n], Size))
            .ToArray();
        return torch.stack(patches, 0).MoveToOuterDisposeScope();
    }

    /// <summary>The patches of <paramref name="input"/> <c>(B, T, H, W)</c> as <c>(B, N, T, c, c)</c>.</summary>
    public Tensor Extract(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var patches = Enumerable.Range(0, Rows.Count)
            .Select(n => input.narrow(2, Rows[n], Size).narrow(3, Columns[n], Size))
            .ToArray();
        return torch.stack(patches, 1).MoveToOuterDisposeScope();
    }
}
