using TorchSharp;
using Workbench.Data;
using Workbench.Simulation;
using static TorchSharp.torch;

namespace Workbench.Analysis;

/// <summary>Checks reverse correlation against the synthetic retina's ground truth (its linear receptive fields).</summary>
public static class GroundTruthStas
{
    /// <summary>
    /// Compares each cell's STA <c>(N, L, H, W)</c> and found centre with its true linear receptive field
    /// <c>(N, F, H, W)</c> (<see cref="ReceptiveFields.Linear"/>) and stated centre (<paramref name="cells"/>). Both filters
    /// are oldest tap first; the STA's last tap is <paramref name="lagShift"/> frames older than the field's last (lag-0)
    /// tap: 1 for STAs of the deep-retina files, whose window k (frames k…k+L−1) predicts bin k+L. The overlapping taps
    /// are correlated within the square of side 2·<paramref name="radius"/>+1 around the stated centre, where the field
    /// lives (elsewhere an STA holds only estimation noise), clamped into the stimulus.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes or counts disagree, or the cutout does not fit the stimulus.</exception>
    public static StaTruthComparison Compare(Tensor stas, IReadOnlyList<CellPosition> centres, Tensor fields,
        IReadOnlyList<GanglionCell> cells, int lagShift = 1, int radius = 5)
    {
        if (stas.dim() != 4 || fields.dim() != 4 || stas.shape[0] != fields.shape[0] || stas.shape[2] != fields.shape[2] || stas.shape[3] != fields.shape[3])
            throw new ArgumentException($"stas [{string.Join(", ", stas.shape)}] and fields [{string.Join(", ", fields.shape)}] must be (N, T, H, W) with the same N, H, W.");
        if (centres.Count != stas.shape[0] || cells.Count != stas.shape[0])
            throw new ArgumentException($"{stas.shape[0]} STAs, {centres.Count} centres and {cells.Count} true cells: they must agree.");
        if (lagShift < 0 || lagShift >= stas.shape[1]) throw new ArgumentOutOfRangeException(nameof(lagShift), lagShift, $"Must be in [0, {stas.shape[1]}).");
        long h = stas.shape[2], w = stas.shape[3], size = 2L * radius + 1;
        if (radius < 0 || size > h || size > w) throw new ArgumentException($"A {size}x{size} cutout does not fit the {h}x{w} stimulus.", nameof(radius));
        int taps = (int)Math.Min(stas.shape[1] - lagShift, fields.shape[1]);
        using var scope = torch.NewDisposeScope();
        var result = new List<StaTruthCell>();
        for (int c = 0; c < cells.Count; c++)
        {
            var g = cells[c];
            long top = Math.Clamp((long)Math.Round(g.Row) - radius, 0, h - size), left = Math.Clamp((long)Math.Round(g.Column) - radius, 0, w - size);
            Tensor Cut(Tensor f) => f.narrow(1, top, size).narrow(2, left, size).flatten().to(float64);
            var a = Cut(stas[c].narrow(0, stas.shape[1] - lagShift - taps, taps));
            var b = Cut(fields[c].narrow(0, fields.shape[1] - taps, taps));
            double r = corrcoef(stack([a, b])).cpu()[0, 1].item<double>();
            double off = Math.Sqrt(Math.Pow(centres[c].Row - g.Row, 2) + Math.Pow(centres[c].Column - g.Column, 2));
            result.Add(new StaTruthCell(c, g.Polarity, g.Row, g.Column, centres[c].Row, centres[c].Column, off, r));
        }
        return new StaTruthComparison(result, taps, (int)size);
    }
}
