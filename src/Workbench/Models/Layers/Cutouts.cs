using TorchSharp;
using Workbench.Data;
using static TorchSharp.torch;

namespace Workbench.Models.Layers;

/// <summary>
/// Square patches of the stimulus around each cell's receptive-field centre, as the paper's LN and GLM models see it:
/// (B, History, H, W) → (B, N, History, c, c). Patches near the border are shifted inside the stimulus.
/// </summary>
/// <remarks>
/// A model's generator signal is each cell's filter dotted with its own patch. <see cref="Project"/> computes it as one
/// matrix product over the region the patches cover, rather than materialising the patches and a broadcast product of
/// them with the filters (two (B, N, History, c, c) temporaries a batch).
/// </remarks>
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
        int top = Rows.Min(), left = Columns.Min();
        Region = new StimulusRegion(top, left, Rows.Max() + size - top, Columns.Max() + size - left);

        int Corner(double centre, int extent) => Math.Clamp((int)Math.Round(centre - (size - 1) / 2.0), 0, extent - size);
    }

    /// <summary>Side of each patch.</summary>
    public int Size { get; }

    /// <summary>Top row of each cell's patch.</summary>
    public IReadOnlyList<int> Rows { get; }

    /// <summary>Left column of each cell's patch.</summary>
    public IReadOnlyList<int> Columns { get; }

    /// <summary>The smallest rectangle of the stimulus holding every patch: all a model built on them reads.</summary>
    public StimulusRegion Region { get; }

    /// <summary>
    /// Each cell's filter dotted with its own patch: <c>Σ filters[n] · patch_n(input)</c>, <c>(B, N)</c>, for
    /// <paramref name="input"/> <c>(B, T, h, w)</c> whose top-left checker is the stimulus's
    /// (<paramref name="originRow"/>, <paramref name="originColumn"/>) — (0, 0) for whole frames, <see cref="Region"/>'s
    /// corner for input cropped to it — and <paramref name="filters"/> <c>(N, T, c, c)</c>. Differentiable in both.
    /// </summary>
    /// <remarks>
    /// Each filter is placed in a zero frame the size of the input, and the frames multiply the flattened input as one
    /// (B, T·h·w) × (T·h·w, N) matrix product. The zeros cost arithmetic only where the input extends beyond the patches,
    /// which cropping the input to <see cref="Region"/> keeps small; the product runs at matrix-multiply speed and makes no
    /// batch-sized temporary beyond its (B, N) result.
    /// </remarks>
    /// <exception cref="ArgumentException">Shapes disagree, or a patch is not inside the input.</exception>
    public Tensor Project(Tensor input, Tensor filters, int originRow = 0, int originColumn = 0)
    {
        if (input.dim() != 4 || filters.dim() != 4 || filters.shape[0] != Rows.Count || filters.shape[1] != input.shape[1]
            || filters.shape[2] != Size || filters.shape[3] != Size)
            throw new ArgumentException(
                $"Expected input (B, T, h, w) and filters ({Rows.Count}, T, {Size}, {Size}); got [{string.Join(", ", input.shape)}] and [{string.Join(", ", filters.shape)}].");
        long h = input.shape[2], w = input.shape[3];
        if (originRow > Region.Row || originColumn > Region.Column
            || Region.Row + Region.Height - originRow > h || Region.Column + Region.Width - originColumn > w)
            throw new ArgumentException(
                $"Input of {h}x{w} checkers from ({originRow}, {originColumn}) does not hold the cutouts' region ({Region}).");
        using var scope = torch.NewDisposeScope();
        // Zero frames with each filter in its place; copying into views keeps autograd's path back to the filters.
        var placed = torch.zeros([Rows.Count, filters.shape[1], h, w], dtype: filters.dtype, device: filters.device);
        for (int n = 0; n < Rows.Count; n++)
            placed[n].narrow(1, Rows[n] - originRow, Size).narrow(2, Columns[n] - originColumn, Size).copy_(filters[n]);
        // (N, K) × (K, B), transposed: the same product as (B, K) × (K, N); libtorch's GEMM ran this layout 5-20 % faster
        // for a few cells (forward, and forward with the filter gradient; a (256, 40·616) batch, one thread).
        return placed.flatten(1).matmul(input.flatten(1).t()).t().MoveToOuterDisposeScope();
    }

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
