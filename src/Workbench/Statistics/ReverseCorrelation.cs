using TorchSharp;
using Workbench.Data;
using static TorchSharp.torch;

namespace Workbench.Statistics;

/// <summary>
/// Reverse correlation of recorded cells: response-weighted averages of the stimulus history, computed batch by batch, and
/// the receptive-field centres they imply. Model-free statistics of a recording: models (reverse-correlation LN, cutout
/// centres), training and analyses all use them, so they live below all three.
/// </summary>
public static class ReverseCorrelation
{
    /// <summary>
    /// The spike-triggered average of every cell, (N, History, H, W): Σ_k (y_k − ȳ)·x_k / K over the windows of
    /// <paramref name="ranges"/>, with y the response bin each window predicts. Windows are gathered batch by batch,
    /// never materialised together.
    /// </summary>
    public static Tensor SpikeTriggeredAverages(HistoryWindows windows, IReadOnlyList<WindowRange> ranges, int batchSize = 256)
    {
        long n = windows.Recording.Cells.Count, t = windows.History, h = windows.Recording.Height, w = windows.Recording.Width;
        long count = ranges.Sum(r => r.Length);
        if (count == 0) throw new ArgumentException("Reverse correlation needs at least one window.", nameof(ranges));
        using var mean = MeanTarget(windows, ranges);
        var sum = torch.zeros(n, t * h * w, dtype: torch.float64);
        foreach (var batch in WindowBatches.InOrder(ranges, batchSize))
        {
            using var scope = torch.NewDisposeScope();
            var (x, y) = windows.Batch(batch);
            // Each batch's products are summed in float32 (a few hundred terms) and the batches in float64: a float64
            // copy of the windows would double the peak memory of a long recording's fit.
            sum.add_((y - mean).t().matmul(x.flatten(1)).to(torch.float64));
        }
        using (sum)
            return (sum / count).to(torch.float32).view(n, t, h, w);
    }

    /// <summary>
    /// Receptive-field centres from STAs (N, T, H, W): the centroid of the spatial energy (sum of squares over time)
    /// within 2 checkers of its peak, in stimulus (row, column).
    /// </summary>
    public static IReadOnlyList<CellPosition> Centres(Tensor stas)
    {
        using var scope = torch.NewDisposeScope();
        var energy = stas.square().sum(1); // (N, H, W)
        long h = energy.shape[1], w = energy.shape[2];
        var result = new List<CellPosition>();
        for (long c = 0; c < energy.shape[0]; c++)
        {
            var e = energy[c];
            long peak = e.argmax().item<long>();
            long pr = peak / w, pc = peak % w;
            long r0 = Math.Max(0, pr - 2), r1 = Math.Min(h, pr + 3), c0 = Math.Max(0, pc - 2), c1 = Math.Min(w, pc + 3);
            var patch = e.narrow(0, r0, r1 - r0).narrow(1, c0, c1 - c0).to(torch.float64);
            var rows = torch.arange(r0, r1, dtype: torch.float64).view(-1, 1);
            var cols = torch.arange(c0, c1, dtype: torch.float64).view(1, -1);
            double total = patch.sum().item<double>();
            result.Add(total > 0
                ? new CellPosition((patch * rows).sum().item<double>() / total, (patch * cols).sum().item<double>() / total)
                : new CellPosition(pr, pc));
        }
        return result;
    }

    private static Tensor MeanTarget(HistoryWindows windows, IReadOnlyList<WindowRange> ranges)
    {
        using var scope = torch.NewDisposeScope();
        var rates = windows.Recording.Rates;
        var sum = torch.zeros(rates.shape[1], dtype: torch.float64);
        foreach (var r in ranges)
            if (r.Length > 0) sum.add_(rates.narrow(0, r.Start + windows.History, r.Length).to(torch.float64).sum([0]));
        return (sum / ranges.Sum(r => r.Length)).to(torch.float32).MoveToOuterDisposeScope();
    }
}
