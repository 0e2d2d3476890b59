using TorchSharp;
using Workbench.Data;
using Workbench.Data.Interneurons;
using Workbench.Models;
using static TorchSharp.torch;

namespace Workbench.Analysis;

/// <summary>
/// Interneuron matching (Maheswaranathan et al. 2023, Fig. 2F-I; torch-deep-retina's <c>intracellular.get_intr_cors</c>):
/// the Pearson correlation of each recorded interneuron's membrane potential with every unit of a model's layers 1 and 2,
/// before their nonlinearity, at every position, over the interneuron's own stimulus; the best match; each channel's best
/// unit ranked; a time-shuffled control; and the data-efficiency curve of the best match against an LN model fitted
/// directly to the interneuron on the same data.
/// </summary>
/// <remarks>
/// <para>One streamed pass (<see cref="LayerProbe.ForEachBatch"/>, no autograd) computes everything: per batch the
/// activations of all probed units <c>(B, U)</c> meet the potentials and their shuffled copies <c>(B, 2N)</c> in float64 sums
/// (Σx, Σx², Σy, Σy² and one matmul for Σyxᵀ), kept per stretch of windows so the choosing stretches and held-out rests of
/// the data-efficiency curve come from the same pass. The same pass sums, per choosing-stretch boundary, the STA of the
/// potentials (the float64 windows <c>(B, History·H·W)</c> against the potentials <c>(B, N)</c>, one matmul) for the LN
/// half.</para>
/// <para>Window k (frames k … k + History − 1) is paired with potential sample k + History, as windows are paired with
/// response bins everywhere in the workbench; the reference likewise drops the first 40 samples of each potential.</para>
/// <para>The LN half of Fig. 2H-I: for each choosing stretch of k seconds an LN model is fitted directly to each
/// interneuron's potential on the same windows (<see cref="LnFits"/>' steps: normalised STA filter, equal-count binned
/// nonlinearity, interpolated prediction) and scored on the same held-out windows as the chosen unit
/// (<see cref="DataEfficiencyPoint.LnHeldOutR"/>). After the streamed pass, one stimulus-only pass projects every window on
/// all stretches' filters at once. Memory: the STA sums take (LN-fitted stretches) × cells × History·H·W float64s
/// (10 stretches × 10 cells of 40×50×50 frames: 80 MB) and the filters as much again; one batch's windows are held once
/// more in float64 (128 × 40×50×50: 100 MB). Time: the generator pass projects every window on (LN-fitted stretches) ×
/// cells filters, 2 × that × History·H·W flops a window.</para>
/// </remarks>
public static class InterneuronMatching
{
    /// <summary>The layers probed by default: the BN-CNN's layers 1 and 2 before their ReLU.</summary>
    public static readonly IReadOnlyList<string> DefaultLayers = ["bn1", "bn2"];

    /// <summary>Matches every interneuron of stimulus group <paramref name="key"/> of <paramref name="recording"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such group (the message lists them).</exception>
    public static InterneuronMatches Match(RetinaModel model, InterneuronRecording recording, string key, InterneuronMatchOptions? options = null) =>
        Match(model, recording[key], options);

    /// <summary>Matches every interneuron of <paramref name="recording"/> with the units of <paramref name="model"/>'s layers.</summary>
    /// <exception cref="ArgumentException">The model lacks a layer (the message lists its layers), the stimulus does not fit
    /// the model, the recording is too short, a training length leaves nothing to score on, or
    /// <see cref="InterneuronMatchOptions.LnBins"/> is below 2.</exception>
    public static InterneuronMatches Match(RetinaModel model, InterneuronStimulus recording, InterneuronMatchOptions? options = null) =>
        Match(model, recording, options, lnFilters: null);

    /// <summary>
    /// As <see cref="Match(RetinaModel, InterneuronStimulus, InterneuronMatchOptions?)"/>, showing <paramref name="lnFilters"/>
    /// each LN-fitted choosing stretch's length (seconds) and its normalised filters <c>(cells, History·H·W)</c> float64
    /// (valid during the call only), for tests.
    /// </summary>
    internal static InterneuronMatches Match(RetinaModel model, InterneuronStimulus recording, InterneuronMatchOptions? options, Action<double, Tensor>? lnFilters)
    {
        options ??= new InterneuronMatchOptions();
        var layers = options.Layers ?? DefaultLayers;
        if (layers.Count == 0) throw new ArgumentException("Name at least one layer to probe.", nameof(options));
        LayerProbe.CheckLayers(model, layers);
        var spec = model.Spec;
        var stimulusShape = recording.Stimulus.shape;
        if (recording.Stimulus.dim() != 3 || stimulusShape[1] != spec.Height || stimulusShape[2] != spec.Width)
            throw new ArgumentException($"Interneuron stimulus '{recording.Key}' is [{string.Join(", ", stimulusShape)}] but {model.GetName()} takes " +
                                        $"{spec.Height}x{spec.Width} frames.", nameof(recording));
        long frames = stimulusShape[0], history = spec.History, windows = frames - history;
        int cells = recording.Cells.Count;
        if (recording.Potentials.dim() != 2 || recording.Potentials.shape[0] != frames || recording.Potentials.shape[1] != cells)
            throw new ArgumentException($"Interneuron stimulus '{recording.Key}': potentials [{string.Join(", ", recording.Potentials.shape)}] must be ({frames}, {cells}).", nameof(recording));
        if (cells == 0) throw new ArgumentException($"Interneuron stimulus '{recording.Key}' has no cells.", nameof(recording));
        if (windows < 8)
            throw new ArgumentException($"Interneuron stimulus '{recording.Key}' has {frames} frames; a model with {history} frames of history needs at least {history + 8}.", nameof(recording));

        var splits = Splits(options, windows, history);
        if (options.LnBins < 2) throw new ArgumentException($"InterneuronMatchOptions.LnBins must be at least 2; got {options.LnBins}.", nameof(options));
        // The LN half needs STA sums only over the choosing stretches it fits, kept per stretch boundary.
        var lnBounds = splits.Where(s => s.Train >= 2L * options.LnBins).Select(s => s.Train).Prepend(0).Distinct().Order().ToList();
        long lnEnd = lnBounds[^1];
        var bounds = splits.SelectMany(s => new[] { s.Train, s.Train + history }).Append(0).Append(windows).Distinct().Order().ToList();
        long shift = options.ControlShift ?? new Random(options.Seed).NextInt64(windows / 4, 3 * windows / 4 + 1);
        if (shift <= 0 || shift >= windows)
            throw new ArgumentException($"The control shift must lie in (0, {windows}) windows; got {shift}.", nameof(options));

        var layout = layers.Select(l => (Layer: l, Shape: Shape3(LayerProbe.LayerShape(model, l)))).ToList();
        long units = layout.Sum(l => l.Shape[0] * l.Shape[1] * l.Shape[2]);

        var normalisation = options.Normalisation ?? StimulusNormalisation.Of(recording.Stimulus);
        using var stimulus = recording.Stimulus.to(float32, CPU, copy: true).contiguous();
        normalisation.ApplyInPlace(stimulus);
        using var potentials = recording.Potentials.narrow(0, history, windows).to(float64, CPU);
        using var control = potentials.roll(shift, 0);
        using var targets = torch.cat([potentials, control], 1);

        using var accumulator = new CorrelationAccumulator(bounds);
        using var staSums = lnEnd > 0 ? new StaAccumulator(lnBounds) : null;
        (double[] Train, double[] HeldOut)[] ln;
        using (var windowed = new StimulusWindows(stimulus, (int)history))
        {
            var device = LayerProbe.Placement(model).Device;
            using var onDevice = targets.to(device);
            // One float64 batch of windows, reused: a fresh (B, D) float64 tensor a batch costs ten times the copy.
            using var windows64 = staSums is not null ? torch.empty([Math.Min(options.BatchSize, lnEnd), history * spec.Height * spec.Width], float64, device) : null;
            LayerProbe.ForEachBatch(model, windowed.Windows, windowed.All, layers, b =>
            {
                var x = torch.cat(layers.Select(l => b.Activations[l].flatten(1)).ToArray(), 1);
                var y = onDevice.index_select(0, torch.tensor(b.Indices, int64, device));
                accumulator.Add(b.Indices, x, y);
                // The STA of the potentials over the LN's choosing stretches: float64 windows (B, D) against the potentials (B, N), one matmul.
                int found = Array.BinarySearch(b.Indices, lnEnd); // indices ascend: those below lnEnd are a prefix
                int within = found >= 0 ? found : ~found;
                if (staSums is not null && within > 0)
                    staSums.Add(b.Indices[..within], y.narrow(0, 0, within).narrow(1, 0, cells),
                        windows64!.narrow(0, 0, within).copy_(b.Inputs.narrow(0, 0, within).flatten(1)));
            }, options.BatchSize);
            ln = FitLn(staSums, lnBounds, splits, windowed.Windows, potentials, options, lnFilters);
        }

        double[,] all = Values(accumulator, Enumerable.Range(0, accumulator.Segments));
        var curves = splits.Select((s, j) => (Split: s,
            Train: Values(accumulator, SegmentsWithin(bounds, 0, s.Train)),
            HeldOut: Values(accumulator, SegmentsWithin(bounds, s.Train + history, windows)), Ln: ln[j])).ToList();

        var matches = new List<InterneuronMatch>(cells);
        for (int i = 0; i < cells; i++)
        {
            var maps = new List<CorrelationMap>(layout.Count);
            long offset = 0;
            foreach (var (layer, shape) in layout)
            {
                int size = (int)(shape[0] * shape[1] * shape[2]);
                var values = new double[size];
                for (int k = 0; k < size; k++) values[k] = all[i, offset + k];
                maps.Add(new CorrelationMap(layer, (int)shape[0], (int)shape[1], (int)shape[2], values));
                offset += size;
            }
            var ranked = maps.SelectMany(m => Enumerable.Range(0, m.Channels).Select(c => m.Best(c, options.Absolute)))
                .OrderByDescending(u => CorrelationMap.Score(u.R, options.Absolute)).ToList();
            int controlBest = Best(all, cells + i, absolute: true);
            double controlMax = Math.Abs(all[cells + i, controlBest]);
            var efficiency = curves.Select(c =>
            {
                int chosen = Best(c.Train, i, options.Absolute);
                int heldBest = Best(c.HeldOut, i, options.Absolute);
                return new DataEfficiencyPoint(c.Split.Seconds, c.Split.Train, windows - c.Split.Train - history,
                    new UnitCorrelation(Address(layout, chosen), c.Train[i, chosen]), c.HeldOut[i, chosen], c.HeldOut[i, heldBest], c.Ln.Train[i], c.Ln.HeldOut[i]);
            }).ToList();
            var cell = recording.Cells[i];
            var (row, column) = StimulusCentre(model, ranked[0].Unit);
            double? distance = cell.Row is double r && cell.Column is double c ? Math.Sqrt((row - r) * (row - r) + (column - c) * (column - c)) : null;
            matches.Add(new InterneuronMatch(cell, maps, ranked[0], ranked,
                new UnitCorrelation(Address(layout, controlBest), all[cells + i, controlBest]), controlMax, row, column, distance, efficiency));
        }
        return new InterneuronMatches(recording.Key, layers.ToList(), windows, shift, normalisation, matches);
    }

    /// <summary>
    /// The ranked correlation per interneuron type (Fig. 2G): for each type (by <paramref name="typeOf"/>, default the
    /// cell's type), the mean over its cells of the best r of the channel at each rank, counting only the channels of
    /// <paramref name="layer"/> when given.
    /// </summary>
    public static IReadOnlyList<TypeRanking> RankedByType(IEnumerable<InterneuronMatch> matches, string? layer = null, Func<InterneuronCell, string>? typeOf = null)
    {
        typeOf ??= c => c.Type;
        return matches.GroupBy(m => typeOf(m.Cell)).Select(g =>
        {
            var curves = g.Select(m => m.Ranked.Where(u => layer is null || u.Unit.Layer == layer).Select(u => u.R).ToList()).ToList();
            int ranks = curves.Min(c => c.Count);
            var mean = Enumerable.Range(0, ranks).Select(k => curves.Average(c => c[k])).ToList();
            return new TypeRanking(g.Key, curves.Count, mean);
        }).OrderBy(t => t.Type, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The stimulus position (row, column in checkers) a unit looks at: the centre of the bounding box of the pixels its
    /// response depends on (<see cref="GradientReceptiveFields.Footprint"/>: its input gradients over <paramref name="samples"/> Gaussian white-noise windows)
    /// (for a BN-CNN's layer-1 unit (c, i, j) with k×k kernels, (i + (k − 1)/2, j + (k − 1)/2)). Works for any model;
    /// a unit whose gradient is zero everywhere gives (NaN, NaN).
    /// </summary>
    public static (double Row, double Column) StimulusCentre(RetinaModel model, UnitAddress unit, int samples = 8)
    {
        using var support = GradientReceptiveFields.Footprint(model, unit, samples); // (H, W)
        if (!support.any().item<bool>()) return (double.NaN, double.NaN);
        using var rows = support.any(1).nonzero().flatten();
        using var columns = support.any(0).nonzero().flatten();
        double Middle(Tensor t) => (t.min().item<long>() + t.max().item<long>()) / 2.0;
        return (Middle(rows), Middle(columns));
    }

    private readonly record struct Split(double Seconds, long Train);

    private static List<Split> Splits(InterneuronMatchOptions options, long windows, long history)
    {
        if (!(options.FramePeriod > 0)) throw new ArgumentException($"FramePeriod must be positive; got {options.FramePeriod}.", nameof(options));
        long Train(double seconds) => (long)Math.Round(seconds / options.FramePeriod);
        if (options.TrainingSeconds is null)
        {
            // 1, 2, 5 per decade, while at least a tenth of the windows is left to score on.
            var defaults = new List<Split>();
            for (double decade = 1; ; decade *= 10)
                foreach (double m in new[] { 1.0, 2, 5 })
                {
                    long n = Train(m * decade);
                    if (n + history > windows - windows / 10) return defaults;
                    if (n >= 2) defaults.Add(new Split(m * decade, n));
                }
        }
        var splits = new List<Split>();
        foreach (double seconds in options.TrainingSeconds)
        {
            long n = Train(seconds);
            if (n < 2 || n + history > windows - 2)
                throw new ArgumentException($"Choosing the best unit from {seconds} s ({n} windows) leaves {windows - n - history} of {windows} windows " +
                                            $"(after a gap of {history}) to score on; use between {2 * options.FramePeriod} and {(windows - history - 2) * options.FramePeriod} s.", nameof(options));
            splits.Add(new Split(seconds, n));
        }
        return splits;
    }

    /// <summary>
    /// The LN half of the data-efficiency curve, per split the LN's r on its choosing stretch and on the held-out windows of
    /// each cell (NaN for stretches too short for the bins): filters from the segmented STA sums, then one stimulus-only
    /// pass projecting every window on every split's filters at once (one matmul a batch), then per split the binned
    /// nonlinearity of its stretch and its prediction on its held-out windows (<see cref="LnFits"/>' own steps).
    /// Holds the filters, splits × cells × History·H·W float64s (and a float32 copy), and the generator signals, windows ×
    /// splits × cells float32s.
    /// </summary>
    private static (double[] Train, double[] HeldOut)[] FitLn(StaAccumulator? staSums, List<long> lnBounds, List<Split> splits,
        HistoryWindows windows, Tensor potentials, InterneuronMatchOptions options, Action<double, Tensor>? observe)
    {
        int cells = (int)potentials.shape[1];
        long count = potentials.shape[0], history = windows.History;
        var result = splits.Select(_ => (Enumerable.Repeat(double.NaN, cells).ToArray(), Enumerable.Repeat(double.NaN, cells).ToArray())).ToArray();
        var fitted = Enumerable.Range(0, splits.Count).Where(j => splits[j].Train >= 2L * options.LnBins).ToList();
        if (staSums is null || fitted.Count == 0) return result;
        using var scope = torch.NewDisposeScope();
        var filters = torch.cat(fitted.Select(j =>
        {
            var (f, _) = LnFits.Normalise(staSums.Result(Enumerable.Range(0, lnBounds.IndexOf(splits[j].Train))));
            f = f.cpu();
            observe?.Invoke(splits[j].Seconds, f);
            return f;
        }).ToArray(), 0); // (fitted · cells, D)
        var generators = LnFits.Generators(windows, [new WindowRange(0, count)], filters.to(float32), options.BatchSize); // (K, fitted · cells)
        for (int n = 0; n < fitted.Count; n++)
        {
            using var splitScope = torch.NewDisposeScope();
            long train = splits[fitted[n]].Train, heldOut = train + history;
            var g = generators.narrow(1, n * cells, cells).to(float64);
            var (_, _, _, trainR, testR) = LnFits.Nonlinearity(g.narrow(0, 0, train).t(), potentials.narrow(0, 0, train).t(),
                g.narrow(0, heldOut, count - heldOut).t(), potentials.narrow(0, heldOut, count - heldOut).t(), options.LnBins);
            result[fitted[n]] = (trainR, testR);
        }
        return result;
    }

    private static IEnumerable<int> SegmentsWithin(IReadOnlyList<long> bounds, long start, long end) =>
        Enumerable.Range(0, bounds.Count - 1).Where(s => bounds[s] >= start && bounds[s + 1] <= end);

    private static double[,] Values(CorrelationAccumulator accumulator, IEnumerable<int> segments)
    {
        using var r = accumulator.Correlations(segments);
        using var cpu = r.cpu().contiguous();
        var flat = cpu.data<double>().ToArray();
        int rows = (int)r.shape[0], cols = (int)r.shape[1];
        var values = new double[rows, cols];
        Buffer.BlockCopy(flat, 0, values, 0, flat.Length * sizeof(double));
        return values;
    }

    private static int Best(double[,] r, int row, bool absolute)
    {
        int best = 0;
        for (int u = 1; u < r.GetLength(1); u++)
            if (CorrelationMap.Score(r[row, u], absolute) > CorrelationMap.Score(r[row, best], absolute)) best = u;
        return best;
    }

    private static UnitAddress Address(IReadOnlyList<(string Layer, long[] Shape)> layout, long unit)
    {
        foreach (var (layer, shape) in layout)
        {
            long size = shape[0] * shape[1] * shape[2];
            if (unit < size)
                return new UnitAddress(layer, (int)(unit / (shape[1] * shape[2])), (int)(unit / shape[2] % shape[1]), (int)(unit % shape[2]));
            unit -= size;
        }
        throw new ArgumentOutOfRangeException(nameof(unit));
    }

    private static long[] Shape3(long[] shape) => shape.Length switch
    {
        1 => [shape[0], 1, 1],
        3 => shape,
        _ => throw new ArgumentException($"Interneuron matching probes (B, C) or (B, C, H, W) layers; got a layer of [{string.Join(", ", shape)}] per window."),
    };
}
