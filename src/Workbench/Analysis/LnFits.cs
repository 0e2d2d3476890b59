using TorchSharp;
using Workbench.Data;
using Workbench.Metrics;
using Workbench.Models;
using Workbench.Statistics;
using static TorchSharp.torch;

namespace Workbench.Analysis;

/// <summary>
/// LN fits of any model unit (any layer, addressed by <see cref="UnitAddress"/>) or recorded cell: the filter is the
/// unit's spike-triggered average on the training blocks (for model units, within the unit's footprint:
/// <see cref="LnFitOptions.RestrictToFootprint"/>) normalised to unit length; the generator signal is each window
/// projected on it; the nonlinearity is the mean response in equal-count bins of the generator
/// (<see cref="BinnedNonlinearity"/>, the reverse-correlation LN model's own), optionally with a
/// <see cref="SoftplusNonlinearity"/> fitted to the bins; the prediction (the binned nonlinearity interpolated) is
/// correlated with the response on contiguous held-out blocks (<see cref="TimeSplit.Blocks"/>, gaps of one history so no
/// frame is in both sets).
/// </summary>
/// <remarks>
/// Many units are fitted at once: one model pass over the training windows (STA sums and responses), one stimulus pass
/// (training generator signals: a matmul a batch) and one model pass over the held-out windows. The model runs in
/// evaluation mode without autograd (<see cref="LayerProbe"/>). Under white noise the normalised STA of an LN unit is its
/// filter's direction (Bussgang), so the binned means estimate the nonlinearity of the unit-norm filter's output.
/// </remarks>
public static class LnFits
{
    /// <summary>Fits <paramref name="units"/> of <paramref name="model"/> over every window of <paramref name="windows"/>.</summary>
    /// <exception cref="ArgumentException">No units, a unit outside its layer, or too few windows for the bins.</exception>
    public static IReadOnlyList<LnFit> Fit(RetinaModel model, HistoryWindows windows, IReadOnlyList<UnitAddress> units, LnFitOptions? options = null)
    {
        if (units.Count == 0) throw new ArgumentException("Name at least one unit.", nameof(units));
        var o = Check(options);
        var layers = units.Select(u => u.Layer).Distinct().ToList();
        void Stream(IReadOnlyList<WindowRange> ranges, Action<Tensor, Tensor> visit) =>
            LayerProbe.ForEachBatch(model, windows, ranges, layers,
                b => visit(b.Inputs.to(float32, CPU).flatten(1), LayerProbe.Select(b.Activations, units).to(float32, CPU)), o.BatchSize);
        using var footprints = o.RestrictToFootprint ? Footprints(model, units, windows.History) : null;
        return Run(windows, units.Select(u => u.ToString()).ToList(), Stream, o, footprints);
    }

    /// <summary>
    /// Each unit's footprint as a <c>(U, History·H·W)</c> float64 mask (every frame of the window over the footprint's pixels);
    /// a unit without one (zero gradient on every sample) keeps the whole window.
    /// </summary>
    private static Tensor Footprints(RetinaModel model, IReadOnlyList<UnitAddress> units, int history)
    {
        using var scope = torch.NewDisposeScope();
        var masks = units.Select(u =>
        {
            var pixels = GradientReceptiveFields.Footprint(model, u);
            if (!pixels.any().item<bool>()) pixels = torch.ones_like(pixels);
            return pixels.to(float64).unsqueeze(0).expand(history, -1, -1).flatten();
        }).ToArray();
        return torch.stack(masks).MoveToOuterDisposeScope();
    }

    /// <summary>As <see cref="Fit(RetinaModel, HistoryWindows, IReadOnlyList{UnitAddress}, LnFitOptions?)"/> over every window of a bare stimulus <c>(T, H, W)</c>.</summary>
    public static IReadOnlyList<LnFit> Fit(RetinaModel model, Tensor stimulus, IReadOnlyList<UnitAddress> units, LnFitOptions? options = null)
    {
        using var s = new StimulusWindows(stimulus, model.Spec.History);
        return Fit(model, s.Windows, units, options);
    }

    /// <summary>Fits recorded cells <paramref name="cells"/> (indices into the recording's cells; their rates) over every window of <paramref name="windows"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A cell index is outside the recording.</exception>
    public static IReadOnlyList<LnFit> FitCells(HistoryWindows windows, IReadOnlyList<int> cells, LnFitOptions? options = null)
    {
        if (cells.Count == 0) throw new ArgumentException("Name at least one cell.", nameof(cells));
        var recorded = windows.Recording.Cells;
        foreach (int c in cells)
            if (c < 0 || c >= recorded.Count) throw new ArgumentOutOfRangeException(nameof(cells), c, $"The recording has cells 0..{recorded.Count - 1}.");
        var o = Check(options);
        using var index = torch.tensor(cells.Select(c => (long)c).ToArray());
        void Stream(IReadOnlyList<WindowRange> ranges, Action<Tensor, Tensor> visit)
        {
            foreach (var batch in WindowBatches.InOrder(ranges, o.BatchSize))
            {
                using var scope = torch.NewDisposeScope();
                var (x, y) = windows.Batch(batch);
                visit(x.to(float32, CPU).flatten(1), y.index_select(1, index.to(y.device)).to(float32, CPU));
            }
        }
        return Run(windows, cells.Select(c => recorded[c].Name).ToList(), Stream, o);
    }

    private static LnFitOptions Check(LnFitOptions? options)
    {
        var o = options ?? new LnFitOptions();
        if (o.Bins < 2) throw new ArgumentException($"LnFitOptions.Bins must be at least 2, got {o.Bins}.", nameof(options));
        if (o.BatchSize < 1) throw new ArgumentException($"LnFitOptions.BatchSize must be positive, got {o.BatchSize}.", nameof(options));
        return o;
    }

    private static IReadOnlyList<LnFit> Run(HistoryWindows windows, IReadOnlyList<string> names,
        Action<IReadOnlyList<WindowRange>, Action<Tensor, Tensor>> stream, LnFitOptions o, Tensor? footprints = null)
    {
        var split = TimeSplit.Blocks(windows.Count, windows.History, o.TestFraction, o.TestBlocks);
        if (split.TrainingCount < 2L * o.Bins)
            throw new ArgumentException($"{split.TrainingCount} training windows are too few for {o.Bins} bins.");
        long t = windows.History, h = windows.Recording.Height, w = windows.Recording.Width;
        using var scope = torch.NewDisposeScope();

        // Pass 1 (the model on the training blocks): STA sums and the responses.
        var trainResponses = new List<Tensor>();
        Tensor sta;
        using (var acc = new StaAccumulator())
        {
            stream(split.Training, (x, r) => { acc.Add(r, x); trainResponses.Add(r.MoveToOuterDisposeScope()); });
            sta = acc.Result(); // (U, D) float64
        }
        if (footprints is not null) sta = sta * footprints.to(sta.device);
        var (unitFilters, norms) = Normalise(sta);
        var filters = unitFilters.to(float32); // (U, D)

        // Pass 2 (the stimulus alone): training generator signals.
        var gTrain = Generators(windows, split.Training, filters, o.BatchSize).t().to(float64); // (U, K)

        // Pass 3 (the model on the held-out blocks): responses and generator signals together.
        var testResponses = new List<Tensor>();
        var testGenerator = new List<Tensor>();
        stream(split.Validation, (x, r) =>
        {
            testResponses.Add(r.MoveToOuterDisposeScope());
            testGenerator.Add(x.matmul(filters.t()).MoveToOuterDisposeScope());
        });

        var rTrain = torch.cat(trainResponses, 0).t().to(float64);
        var gTest = torch.cat(testGenerator, 0).t().to(float64);
        var rTest = torch.cat(testResponses, 0).t().to(float64);
        var (centres, means, errors, trainR, testR) = Nonlinearity(gTrain, rTrain, gTest, rTest, o.Bins);

        var result = new List<LnFit>(names.Count);
        for (int u = 0; u < names.Count; u++)
        {
            double[] c = centres[u].data<double>().ToArray(), v = means[u].data<double>().ToArray(), e = errors[u].data<double>().ToArray();
            result.Add(new LnFit(names[u], filters[u].view(t, h, w).clone().DetachFromDisposeScope(), norms[u, 0].item<double>(), c, v, e,
                trainR[u], testR[u], split.TrainingCount, split.ValidationCount,
                o.Parametric ? SoftplusNonlinearity.Fit(c, v, e) : null));
        }
        return result;
    }

    /// <summary>
    /// The filters of an LN model from STAs <paramref name="sta"/> <c>(U, D)</c>: each normalised to unit length, in its
    /// dtype, with the lengths <c>(U, 1)</c>.
    /// </summary>
    internal static (Tensor Filters, Tensor Norms) Normalise(Tensor sta)
    {
        var norms = sta.norm(1, keepdim: true);
        return (sta / (norms + 1e-300), norms);
    }

    /// <summary>
    /// Generator signals of every window of <paramref name="ranges"/> (in order) projected on <paramref name="filters"/>
    /// <c>(U, D)</c> float32 on the CPU: <c>(K, U)</c> float32, one stimulus-only pass, one matmul a batch.
    /// </summary>
    internal static Tensor Generators(HistoryWindows windows, IReadOnlyList<WindowRange> ranges, Tensor filters, int batchSize)
    {
        using var scope = torch.NewDisposeScope();
        var parts = new List<Tensor>();
        foreach (var batch in WindowBatches.InOrder(ranges, batchSize))
        {
            using var batchScope = torch.NewDisposeScope();
            var (x, _) = windows.Batch(batch);
            parts.Add(x.to(float32, CPU).flatten(1).matmul(filters.t()).MoveToOuterDisposeScope());
        }
        return torch.cat(parts, 0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The nonlinearity of LN models and how well they predict: equal-count bins (<see cref="BinnedNonlinearity.EqualCount"/>)
    /// of the training generator signals <paramref name="gTrain"/> and responses <paramref name="rTrain"/> <c>(U, K)</c>
    /// float64, and the Pearson r of the interpolated prediction with the responses on the training windows and on the
    /// held-out windows (<paramref name="gTest"/>, <paramref name="rTest"/> <c>(U, K′)</c>). The tensors belong to the caller's dispose scope.
    /// </summary>
    internal static (Tensor Centres, Tensor Means, Tensor StandardErrors, double[] TrainR, double[] TestR) Nonlinearity(
        Tensor gTrain, Tensor rTrain, Tensor gTest, Tensor rTest, int bins)
    {
        var (centres, means, errors) = BinnedNonlinearity.EqualCount(gTrain, rTrain, bins);
        var trainR = Correlation.PerCell(BinnedNonlinearity.Interpolate(centres, means, gTrain).t(), rTrain.t());
        var testR = Correlation.PerCell(BinnedNonlinearity.Interpolate(centres, means, gTest).t(), rTest.t());
        return (centres, means, errors, trainR, testR);
    }
}
