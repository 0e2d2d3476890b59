using TorchSharp;
using Workbench.Analysis;
using Workbench.Models;
using static TorchSharp.torch;

namespace Workbench.Phenomena;

/// <summary>
/// Polarity reversal (the paper's Fig. 3G; the reference's <c>PolarityReversal.ipynb</c>): along a natural movie
/// (<see cref="PhenomenaOptions.NaturalScenes"/>, in the model's input units; the reference uses the natural-scene test
/// stimulus), each cell's instantaneous receptive field (IRF: the gradient of its rate with respect to its 40-frame input,
/// <see cref="GradientReceptiveFields"/>) at every step is compared with the mean IRF. A cell whose IRF sometimes points
/// against its average (an ON moment of an OFF cell) reverses polarity.
/// </summary>
/// <remarks>
/// <para>Measurement, per cell, as the reference: dots = IRF_t · rf over all History·H·W entries with rf the mean IRF;
/// prop = the fraction of steps with dot &lt; 0. <c>InstantaneousReceptiveFields.ReversedFraction</c> is the same count on
/// Pearson correlations instead of dot products: the correlation subtracts each field's mean over its entries (a difference
/// only where the fields have a large mean, e.g. a full-field-like RF), and it leaves out steps whose IRF is constant
/// (exactly zero: the cell is cut off), which the reference counts as not reversed (dot 0). Both are reported.</para>
/// <para>Criterion: a cell shows polarity reversal when <see cref="Lower"/> &lt; prop &lt; <see cref="Upper"/> (the
/// reference's 0.001 and 0.999); the phenomenon's number is the fraction of measured cells that show it (paper: 1.0 for
/// natural-scene CNNs, 0.885 for white-noise CNNs). Present when that fraction is at least <see cref="CellFraction"/>;
/// Inconclusive when no natural movie is given, when the model's output has no gradient, or when no cell has a non-zero mean
/// IRF; otherwise Absent. An LN model with a monotone nonlinearity has IRFs = slope · filter with slope ≥ 0: prop = 0.</para>
/// <para>Steps: every window of the movie from <see cref="Start"/>, at most <see cref="MaxWindows"/> (null: all; quick:
/// 300).</para>
/// </remarks>
public sealed class PolarityReversal : IPhenomenon
{
    /// <inheritdoc/>
    public string Name => "polarity reversal";

    /// <summary>Lower bound of prop for a reversing cell (reference: 0.001).</summary>
    public double Lower { get; init; } = 0.001;
    /// <summary>Upper bound of prop for a reversing cell (reference: 0.999).</summary>
    public double Upper { get; init; } = 0.999;
    /// <summary>Fraction of measured cells that must reverse for the phenomenon to be present.</summary>
    public double CellFraction { get; init; } = 0.5;
    /// <summary>First window of the movie.</summary>
    public int Start { get; init; }
    /// <summary>Most windows to use; null: all (quick: 300).</summary>
    public int? MaxWindows { get; init; }
    /// <summary>Memory the IRFs of one cell may take to be kept for the dot products; above it they are computed again.</summary>
    public long StoreBytes { get; init; } = GradientReceptiveFields.DefaultStoreBytes;

    /// <inheritdoc/>
    public PhenomenonResult Measure(RetinaModel model, StimulusInput input, PhenomenaOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        int history = model.Spec.History, h = model.Spec.Height, w = model.Spec.Width;
        string criterion = $"A cell reverses when {Lower} < prop < {Upper}, prop = the fraction of time steps along the natural movie whose " +
            $"instantaneous RF · mean RF is negative; Present when at least {CellFraction:P0} of the measured cells reverse.";
        var movie = options.NaturalScenes;
        if (movie is null)
            return Nothing(Verdict.Inconclusive, criterion + " Not measured: no natural movie was given (PhenomenaOptions.NaturalScenes).");
        if (movie.dim() != 3 || movie.shape[1] != h || movie.shape[2] != w)
            throw new ArgumentException($"PhenomenaOptions.NaturalScenes is [{string.Join(", ", movie.shape)}]; {model.GetName()} takes (T, {h}, {w}).", nameof(options));
        long available = movie.shape[0] - history - Start;
        if (Start < 0 || available < 1)
            throw new ArgumentException($"PhenomenaOptions.NaturalScenes has {movie.shape[0]} frames: no window from {Start} with the model's history ({history}).", nameof(options));
        long count = Math.Min(available, MaxWindows ?? (options.Quick ? 300 : long.MaxValue));
        using var piece = movie.narrow(0, Start, count + history).to(float32, CPU).contiguous();
        if (!GradientReceptiveFields.DependsOnInput(model, piece.narrow(0, 0, history).unsqueeze(0)))
            return Nothing(Verdict.Inconclusive, criterion + " Not measured: the model's output has no gradient with respect to its input.");

        var cells = ModelResponses.Cells(model, options);
        int batch = Math.Min(32, options.BatchSize);
        var props = new double[cells.Count];
        var fractions = new double[cells.Count];
        var dots = new double[cells.Count][];
        for (int u = 0; u < cells.Count; u++)
        {
            var unit = UnitAddress.OutputCell(cells[u]);
            long bytes = count * history * h * w * sizeof(float);
            var irfs = GradientReceptiveFields.Compute(model, piece, unit, batch, keepFields: bytes <= StoreBytes, storeBytes: StoreBytes);
            using var average = irfs.Average.to(float64).flatten();
            irfs.Average.Dispose();
            fractions[u] = irfs.ReversedFraction;
            double energy = average.square().sum().item<double>();
            double[] raw;
            if (irfs.Fields is not null)
            {
                using var scope = torch.NewDisposeScope();
                raw = irfs.Fields.flatten(1).to(float64).matmul(average).data<double>().ToArray();
                irfs.Fields.Dispose();
            }
            else raw = Dots(model, piece, unit, average, count, batch);
            dots[u] = raw.Select(d => energy > 0 ? d / energy : double.NaN).ToArray();
            props[u] = energy > 0 ? raw.Count(d => d < 0) / (double)raw.Length : double.NaN;
        }
        var reverses = props.Select(p => p > Lower && p < Upper).ToArray();
        int measured = props.Count(double.IsFinite);
        double fraction = measured == 0 ? double.NaN : reverses.Count(r => r) / (double)measured;
        var verdict = measured == 0 ? Verdict.Inconclusive : fraction >= CellFraction ? Verdict.Present : Verdict.Absent;
        var seconds = Enumerable.Range(0, (int)count).Select(k => (Start + k + history) * 0.01).ToArray();
        return new PolarityReversalResult(Name, verdict, criterion + $" Over {count} steps of the natural movie.",
            new Dictionary<string, double>
            {
                ["fraction of cells reversing"] = fraction,
                ["mean prop"] = props.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average(),
                ["mean reversed fraction (correlation)"] = fractions.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average(),
                ["steps"] = count,
            },
            cells.ToArray(), props, fractions, reverses, seconds, dots);
    }

    private PolarityReversalResult Nothing(Verdict verdict, string criterion) =>
        new(Name, verdict, criterion, new Dictionary<string, double> { ["fraction of cells reversing"] = double.NaN }, [], [], [], [], [], []);

    /// <summary>The dot products of every window's IRF with <paramref name="average"/> (float64, flattened), recomputed in
    /// batches when the IRFs were too large to keep.</summary>
    private static double[] Dots(RetinaModel model, Tensor movie, UnitAddress unit, Tensor average, long count, int batch)
    {
        int history = model.Spec.History;
        long h = movie.shape[1], w = movie.shape[2];
        var result = new List<double>((int)count);
        for (long first = 0; first < count; first += batch)
        {
            using var scope = torch.NewDisposeScope();
            long b = Math.Min(batch, count - first);
            // Window k holds frames k … k + History − 1.
            var windows = movie.narrow(0, first, b + history - 1).unfold(0, history, 1).permute(0, 3, 1, 2).contiguous();
            var g = GradientReceptiveFields.Gradients(model, windows, unit).flatten(1).to(float64, CPU);
            result.AddRange(g.matmul(average.to(CPU)).data<double>());
        }
        return result.ToArray();
    }
}
