using TorchSharp;
using Workbench.Data;
using Workbench.Models;
using static TorchSharp.torch;

namespace Workbench.Analysis;

/// <summary>
/// Layer probes: the activations of any named layer of any <see cref="RetinaModel"/> for any stimulus, streamed batch by
/// batch over history windows (views, never materialised together) without autograd graphs, and single units picked out
/// by <see cref="UnitAddress"/>.
/// </summary>
/// <remarks>
/// <para>Before or after a nonlinearity: each model names its layers in forward order (<see cref="RetinaModel.LayerNames"/>).
/// For the BN-CNN, "bn1"/"bn2" are layers 1 and 2 before their ReLU (the potentials the reference compares with
/// interneurons) and "relu1"/"relu2" after it; "bn_out" is the output before its softplus; an LN model's "linear" is its
/// generator signal. <see cref="UnitAddress.Output"/> addresses the final rates of every model.</para>
/// <para>Window <c>k</c> holds frames <c>k … k + History − 1</c>, so its activation belongs to time bin <c>k + History</c>
/// (as for recordings); a bare stimulus of T frames gives <c>T − History</c> windows.</para>
/// <para>The model runs in evaluation mode (no noise, running batch-norm statistics) and is put back in its mode afterwards.</para>
/// </remarks>
public static class LayerProbe
{
    /// <summary>
    /// Runs <paramref name="model"/> over the windows of <paramref name="ranges"/> in time order, <paramref name="batchSize"/>
    /// at a time, under no_grad and a dispose scope per batch, and hands each batch with the activations of
    /// <paramref name="layers"/> to <paramref name="visit"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A layer is not one of the model's (the message lists them), or there are no windows.</exception>
    /// <remarks>Each batch is a run of consecutive windows of one range, and the model computes it over the run's frames
    /// (<see cref="RetinaModel.MovieActivations"/>: the BN-CNN computes each frame's first-layer contribution once); models
    /// that need spike history run window by window.</remarks>
    public static void ForEachBatch(RetinaModel model, HistoryWindows windows, IReadOnlyList<WindowRange> ranges,
        IReadOnlyList<string> layers, Action<ProbeBatch> visit, int batchSize = 128) =>
        Stream(model, windows, ranges, layers, visit, batchSize, withInputs: true);

    /// <summary>As <see cref="ForEachBatch"/>; without <paramref name="withInputs"/> the windows are not gathered and
    /// <see cref="ProbeBatch.Inputs"/> is empty (for callers that read activations only).</summary>
    internal static void Stream(RetinaModel model, HistoryWindows windows, IReadOnlyList<WindowRange> ranges,
        IReadOnlyList<string> layers, Action<ProbeBatch> visit, int batchSize, bool withInputs)
    {
        CheckLayers(model, layers);
        CheckWindows(model, windows, ranges);
        if (batchSize < 1) throw new ArgumentException($"Batch size must be positive, got {batchSize}.", nameof(batchSize));
        using var eval = new EvalMode(model);
        using var noGrad = torch.no_grad();
        var (device, dtype) = Placement(model);
        var inner = layers.Where(l => l != UnitAddress.Output).Distinct().ToList();
        foreach (var range in ranges)
            for (long first = range.Start; first < range.End; first += batchSize)
            {
                long count = Math.Min(batchSize, range.End - first);
                var indices = new long[count];
                for (long i = 0; i < count; i++) indices[i] = first + i;
                using var scope = torch.NewDisposeScope();
                Tensor x, y;
                if (withInputs)
                {
                    (x, y) = windows.Batch(indices, device);
                    if (x.dtype != dtype) x = x.to(dtype);
                }
                else
                {
                    x = torch.empty([0, windows.History, windows.Recording.Height, windows.Recording.Width], dtype, device);
                    using var bins = torch.arange(first + windows.History, first + windows.History + count, dtype: int64);
                    y = windows.Recording.Rates.index_select(0, bins).to(device);
                }
                var activations = model.NeedsSpikeHistory
                    ? model.Activations(withInputs ? x : windows.Batch(indices, device).Inputs.to(dtype), inner)
                    : model.MovieActivations(windows.Frames(first, count, device).to(dtype), inner, rates: layers.Contains(UnitAddress.Output));
                visit(new ProbeBatch(indices, x, y, activations));
            }
    }

    /// <summary>
    /// The activations of one layer for every window of <paramref name="ranges"/>, <c>(K, C[, H', W'])</c> float32 on the
    /// CPU. This holds the whole layer for every window (8 channels of 36×36 are 41 KB a window): for long stimuli, ask
    /// for <see cref="Responses(RetinaModel, HistoryWindows, IReadOnlyList{WindowRange}, IReadOnlyList{UnitAddress}, int)"/>
    /// of the units you need, or use <see cref="ForEachBatch"/>.
    /// </summary>
    public static Tensor Activations(RetinaModel model, HistoryWindows windows, IReadOnlyList<WindowRange> ranges, string layer, int batchSize = 128)
    {
        var parts = new List<Tensor>();
        try
        {
            Stream(model, windows, ranges, [layer],
                b => parts.Add(b.Activations[layer].to(float32, CPU).contiguous().DetachFromDisposeScope()), batchSize, withInputs: false);
            return torch.cat(parts, 0);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    /// <summary>As <see cref="Activations(RetinaModel, HistoryWindows, IReadOnlyList{WindowRange}, string, int)"/> over every window of a bare stimulus <c>(T, H, W)</c>.</summary>
    public static Tensor Activations(RetinaModel model, Tensor stimulus, string layer, int batchSize = 128)
    {
        using var s = new StimulusWindows(stimulus, model.Spec.History);
        return Activations(model, s.Windows, s.All, layer, batchSize);
    }

    /// <summary>
    /// The responses of <paramref name="units"/> (of any layers) for every window of <paramref name="ranges"/>, <c>(K, U)</c>
    /// float32 on the CPU, column <c>u</c> for <c>units[u]</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A unit names an unknown layer or lies outside its layer (the message says which).</exception>
    public static Tensor Responses(RetinaModel model, HistoryWindows windows, IReadOnlyList<WindowRange> ranges, IReadOnlyList<UnitAddress> units, int batchSize = 128)
    {
        if (units.Count == 0) throw new ArgumentException("Name at least one unit.", nameof(units));
        var parts = new List<Tensor>();
        try
        {
            Stream(model, windows, ranges, units.Select(u => u.Layer).Distinct().ToList(),
                b => parts.Add(Select(b.Activations, units).to(float32, CPU).DetachFromDisposeScope()), batchSize, withInputs: false);
            return torch.cat(parts, 0);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    /// <summary>As <see cref="Responses(RetinaModel, HistoryWindows, IReadOnlyList{WindowRange}, IReadOnlyList{UnitAddress}, int)"/> over every window of a bare stimulus <c>(T, H, W)</c>.</summary>
    public static Tensor Responses(RetinaModel model, Tensor stimulus, IReadOnlyList<UnitAddress> units, int batchSize = 128)
    {
        using var s = new StimulusWindows(stimulus, model.Spec.History);
        return Responses(model, s.Windows, s.All, units, batchSize);
    }

    /// <summary>The shape of one window's activation of <paramref name="layer"/>: <c>[C]</c> or <c>[C, H', W']</c> (one forward pass of a blank window).</summary>
    public static long[] LayerShape(RetinaModel model, string layer)
    {
        CheckLayers(model, [layer]);
        using var eval = new EvalMode(model);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var (device, dtype) = Placement(model);
        var x = torch.zeros([1, model.Spec.History, model.Spec.Height, model.Spec.Width], dtype, device);
        var a = model.Activations(x, layer == UnitAddress.Output ? [] : [layer])[layer];
        return a.shape.Skip(1).ToArray();
    }

    /// <summary>The central unit of every channel of <paramref name="layer"/> (row (H'−1)/2, column (W'−1)/2; for (B, C) layers, every unit).</summary>
    public static IReadOnlyList<UnitAddress> CentralUnits(RetinaModel model, string layer)
    {
        long[] shape = LayerShape(model, layer);
        int rows = shape.Length == 3 ? (int)shape[1] : 1, cols = shape.Length == 3 ? (int)shape[2] : 1;
        return Enumerable.Range(0, (int)shape[0]).Select(c => new UnitAddress(layer, c, (rows - 1) / 2, (cols - 1) / 2)).ToList();
    }

    /// <summary>Every position of channel <paramref name="channel"/> of <paramref name="layer"/>, row by row.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The layer has no such channel.</exception>
    public static IReadOnlyList<UnitAddress> ChannelUnits(RetinaModel model, string layer, int channel)
    {
        long[] shape = LayerShape(model, layer);
        if (channel < 0 || channel >= shape[0])
            throw new ArgumentOutOfRangeException(nameof(channel), channel, $"Layer '{layer}' has {shape[0]} channels.");
        int rows = shape.Length == 3 ? (int)shape[1] : 1, cols = shape.Length == 3 ? (int)shape[2] : 1;
        var units = new List<UnitAddress>(rows * cols);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) units.Add(new UnitAddress(layer, channel, r, c));
        return units;
    }

    /// <summary>
    /// Picks <paramref name="units"/> out of a batch's activations by layer: <c>(B, U)</c>, in the activations' dtype and
    /// device. Differentiable (gradients flow to the activations).
    /// </summary>
    /// <exception cref="ArgumentException">A unit's layer is missing from <paramref name="activations"/>, or the unit lies outside it.</exception>
    public static Tensor Select(IReadOnlyDictionary<string, Tensor> activations, IReadOnlyList<UnitAddress> units)
    {
        using var scope = torch.NewDisposeScope();
        var columns = new Tensor[units.Count];
        foreach (var group in units.Select((u, i) => (u, i)).GroupBy(p => p.u.Layer))
        {
            if (!activations.TryGetValue(group.Key, out var a))
                throw new ArgumentException($"No activations of layer '{group.Key}' in this batch; it has {string.Join(", ", activations.Keys)}.");
            var flat = a.flatten(1);
            var idx = torch.tensor(group.Select(p => FlatIndex(a, p.u)).ToArray(), int64, a.device);
            var picked = flat.index_select(1, idx);
            int j = 0;
            foreach (var (_, i) in group) columns[i] = picked.narrow(1, j++, 1);
        }
        return torch.cat(columns, 1).MoveToOuterDisposeScope();
    }

    /// <summary>The model's parameter device and dtype (CPU float32 for a model without parameters).</summary>
    internal static (Device Device, ScalarType DType) Placement(RetinaModel model)
    {
        var p = model.parameters().FirstOrDefault();
        return p is null ? (CPU, float32) : (p.device, p.dtype);
    }

    internal static void CheckLayers(RetinaModel model, IEnumerable<string> layers)
    {
        foreach (string l in layers)
            if (l != UnitAddress.Output && !model.LayerNames.Contains(l))
                throw new ArgumentException($"{model.GetName()} has no layer '{l}'; its layers are {string.Join(", ", model.LayerNames.Append(UnitAddress.Output))}.");
    }

    internal static void CheckWindows(RetinaModel model, HistoryWindows windows, IReadOnlyList<WindowRange> ranges)
    {
        if (windows.History != model.Spec.History)
            throw new ArgumentException($"The windows hold {windows.History} frames but {model.GetName()} takes {model.Spec.History}.", nameof(windows));
        if (ranges.Sum(r => r.Length) == 0) throw new ArgumentException("A probe needs at least one window.", nameof(ranges));
    }

    private static long FlatIndex(Tensor activation, UnitAddress u)
    {
        long[] shape = activation.shape;
        long channels = shape[1];
        long rows = shape.Length == 4 ? shape[2] : 1, cols = shape.Length == 4 ? shape[3] : 1;
        if (shape.Length is not (2 or 4))
            throw new ArgumentException($"Layer '{u.Layer}' has activations [{string.Join(", ", shape)}]; units are addressed in (B, C) or (B, C, H, W) layers.");
        if (u.Channel < 0 || u.Channel >= channels || u.Row < 0 || u.Row >= rows || u.Column < 0 || u.Column >= cols)
            throw new ArgumentException($"Unit {u} lies outside layer '{u.Layer}' ({channels} channels of {rows}x{cols}).");
        return (u.Channel * rows + u.Row) * cols + u.Column;
    }
}
