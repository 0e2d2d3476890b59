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
    /// <paramref name="ranges"/>, with y the response bin each window predicts. Windows are never gathered: the stimulus
    /// is read frame block by frame block (<paramref name="batchSize"/> frames each).
    /// </summary>
    /// <remarks>
    /// Window k's frame j is stimulus frame f = k + j, so Σ_k y'_k·x_k[j] = Σ_f y'_{f−j}·frame_f: each block of consecutive
    /// frames (a view of the stimulus, no copy) multiplies the lagged responses y'_{f−j} of every cell and lag as one
    /// (N·History, frames) × (frames, H·W) product. Gathering the windows instead copied each frame History times
    /// (3.5 GB for the tiny preset's 4 minutes) and multiplied with N rows, at memory speed; the fits that estimate
    /// receptive-field centres spent about as long here as training.
    /// </remarks>
    public static Tensor SpikeTriggeredAverages(HistoryWindows windows, IReadOnlyList<WindowRange> ranges, int batchSize = 256)
    {
        if (batchSize < 1) throw new ArgumentException($"Batch size must be positive, got {batchSize}.", nameof(batchSize));
        long n = windows.Recording.Cells.Count, t = windows.History, h = windows.Recording.Height, w = windows.Recording.Width;
        long count = ranges.Sum(r => r.Length);
        if (count == 0) throw new ArgumentException("Reverse correlation needs at least one window.", nameof(ranges));
        using var mean = MeanTarget(windows, ranges);
        using var frames = windows.Recording.Stimulus.view(windows.Recording.Frames, h * w);
        var sum = torch.zeros(n * t, h * w, dtype: torch.float64);
        foreach (var range in ranges.Where(r => r.Length > 0))
        {
            using var scope = torch.NewDisposeScope();
            // y' of the range's windows with History − 1 zero bins on either side, so that lag j of frame f (relative to
            // the range's first frame) reads window f − j, or zero where that window is outside the range.
            var centred = windows.Recording.Rates.narrow(0, range.Start + t, range.Length) - mean; // (L, N)
            var padded = torch.nn.functional.pad(centred.t(), [t - 1, t - 1]).t();               // (L + 2(T−1), N)
            // lagged[f, c, j] = padded[f + T − 1 − j, c] = y'_{f − j}: unfold gives padded[f + m] at m = T − 1 − j.
            var lagged = padded.unfold(0, t, 1).flip(-1);                                          // (L + T − 1, N, T)
            long span = range.Length + t - 1;
            for (long first = 0; first < span; first += batchSize)
            {
                using var blockScope = torch.NewDisposeScope();
                long length = Math.Min(batchSize, span - first);
                var weights = lagged.narrow(0, first, length).reshape(length, n * t);
                // Each block's products are summed in float32 (batchSize terms) and the blocks in float64.
                sum.add_(weights.t().matmul(frames.narrow(0, range.Start + first, length)).to(torch.float64));
            }
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
