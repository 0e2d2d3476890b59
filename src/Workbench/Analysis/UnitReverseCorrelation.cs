using TorchSharp;
using Workbench.Data;
using Workbench.Models;
using Workbench.Statistics;
using static TorchSharp.torch;

namespace Workbench.Analysis;

/// <summary>
/// Reverse correlation of model units (any layer, many units at once) and of recorded cells, streamed over long stimuli on
/// the tensor library: per batch one matmul of the responses' transpose with the flattened windows, accumulated in float64.
/// Optional spike-triggered covariance over a spatial cutout, with its eigen-decomposition.
/// </summary>
/// <remarks>
/// The average is Σ_k (r_k − r̄)·x_k / K, the covariance of response and stimulus (the same definition as
/// <see cref="ReverseCorrelation.SpikeTriggeredAverages"/>): for a linear unit r = f·x under white noise of variance σ² it
/// is σ²·f. Windows are gathered batch by batch from <see cref="HistoryWindows"/>' view, never materialised together.
/// </remarks>
public static class UnitReverseCorrelation
{
    /// <summary>
    /// Spike-triggered averages of <paramref name="units"/> (any layers of <paramref name="model"/>), <c>(U, History, H, W)</c>
    /// float32 on the CPU, over the windows of <paramref name="ranges"/>. Every unit comes from the same forward passes, so
    /// all channels of a layer (e.g. <see cref="LayerProbe.CentralUnits"/>) or every position of a channel
    /// (<see cref="LayerProbe.ChannelUnits"/>) cost one pass over the stimulus. The pass costs the model's forward plus
    /// 2·U·History·H·W flops a window, and the sums take U·History·H·W float64s (8 units on 50×50: 6 MB; every position of
    /// a 36×36 channel: 1 GB, so split such lists).
    /// </summary>
    /// <exception cref="ArgumentException">A unit is unknown or outside its layer, or there are no windows.</exception>
    public static Tensor Stas(RetinaModel model, HistoryWindows windows, IReadOnlyList<WindowRange> ranges, IReadOnlyList<UnitAddress> units, int batchSize = 128)
    {
        if (units.Count == 0) throw new ArgumentException("Name at least one unit.", nameof(units));
        using var acc = new StaAccumulator();
        LayerProbe.ForEachBatch(model, windows, ranges, units.Select(u => u.Layer).Distinct().ToList(),
            b => acc.Add(LayerProbe.Select(b.Activations, units).to(float32), b.Inputs.to(float32).flatten(1)), batchSize);
        using var result = acc.Result();
        return result.to(float32, CPU).view(units.Count, windows.History, windows.Recording.Height, windows.Recording.Width);
    }

    /// <summary>As <see cref="Stas(RetinaModel, HistoryWindows, IReadOnlyList{WindowRange}, IReadOnlyList{UnitAddress}, int)"/> over every window of a bare stimulus <c>(T, H, W)</c>.</summary>
    public static Tensor Stas(RetinaModel model, Tensor stimulus, IReadOnlyList<UnitAddress> units, int batchSize = 128)
    {
        using var s = new StimulusWindows(stimulus, model.Spec.History);
        return Stas(model, s.Windows, s.All, units, batchSize);
    }

    /// <summary>
    /// Spike-triggered covariance of one unit over the <paramref name="height"/>×<paramref name="width"/> cutout at
    /// (<paramref name="top"/>, <paramref name="left"/>) of its windows: ΔC = Σ_k r_k (x_k − μ_r)(x_k − μ_r)ᵀ / Σ_k r_k −
    /// Cov(x), with μ_r the response-weighted mean, and its eigen-decomposition (float64 throughout). The dimension is
    /// History·height·width (keep it to a few thousand: ΔC is its square). Responses are weights and must be non-negative:
    /// probe a layer after its nonlinearity, or the output.
    /// </summary>
    /// <exception cref="ArgumentException">The cutout leaves the stimulus, a response is negative, or the responses are all zero.</exception>
    public static SpikeTriggeredCovariance Covariance(RetinaModel model, HistoryWindows windows, IReadOnlyList<WindowRange> ranges,
        UnitAddress unit, int top, int left, int height, int width, int batchSize = 128)
    {
        CheckCutout(windows, top, left, height, width);
        using var acc = new CovarianceAccumulator();
        LayerProbe.ForEachBatch(model, windows, ranges, [unit.Layer], b =>
        {
            var r = LayerProbe.Select(b.Activations, [unit]).squeeze(1);
            if ((r < 0).any().item<bool>())
                throw new ArgumentException($"Unit {unit} has negative responses; spike-triggered covariance weighs windows by the response, so probe a layer after its nonlinearity.", nameof(unit));
            acc.Add(r, Cut(b.Inputs, top, left, height, width));
        }, batchSize);
        return acc.Result(windows.History, height, width, top, left);
    }

    /// <summary>As <see cref="Covariance(RetinaModel, HistoryWindows, IReadOnlyList{WindowRange}, UnitAddress, int, int, int, int, int)"/> for recorded cell <paramref name="cell"/>, weighted by its rate.</summary>
    public static SpikeTriggeredCovariance CellCovariance(HistoryWindows windows, IReadOnlyList<WindowRange> ranges, int cell,
        int top, int left, int height, int width, int batchSize = 256)
    {
        CheckCutout(windows, top, left, height, width);
        if (cell < 0 || cell >= windows.Recording.Cells.Count)
            throw new ArgumentOutOfRangeException(nameof(cell), cell, $"The recording has {windows.Recording.Cells.Count} cells.");
        if (ranges.Sum(r => r.Length) == 0) throw new ArgumentException("Spike-triggered covariance needs at least one window.", nameof(ranges));
        using var acc = new CovarianceAccumulator();
        foreach (var indices in WindowBatches.InOrder(ranges, batchSize))
        {
            using var scope = torch.NewDisposeScope();
            var (x, y) = windows.Batch(indices);
            var r = y.select(1, cell);
            if ((r < 0).any().item<bool>()) throw new ArgumentException($"Cell {cell} has negative rates.", nameof(cell));
            acc.Add(r, Cut(x, top, left, height, width));
        }
        return acc.Result(windows.History, height, width, top, left);
    }

    private static Tensor Cut(Tensor inputs, int top, int left, int height, int width) =>
        inputs.narrow(2, top, height).narrow(3, left, width).flatten(1);

    private static void CheckCutout(HistoryWindows windows, int top, int left, int height, int width)
    {
        long h = windows.Recording.Height, w = windows.Recording.Width;
        if (height < 1 || width < 1 || top < 0 || left < 0 || top + height > h || left + width > w)
            throw new ArgumentException($"The cutout rows [{top}, {top + height}) x columns [{left}, {left + width}) is not inside the {h}x{w} stimulus.");
    }
}
