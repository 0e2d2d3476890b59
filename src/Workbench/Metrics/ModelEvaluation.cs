using TorchSharp;
using Workbench.Data;

namespace Workbench.Metrics;

/// <summary>One cell's test numbers.</summary>
/// <param name="Index">Cell index in the source file.</param>
/// <param name="Name">Cell name.</param>
/// <param name="Correlation">Pearson r between prediction and the trial-averaged test rate.</param>
/// <param name="Feve">Fraction of explainable variance explained (NaN without repeats).</param>
/// <param name="Oracle">Jackknife oracle correlation of the repeats (NaN without repeats).</param>
/// <param name="Ceiling">Expected r of a perfect model with the trial average, √(split-half reliability) (NaN without repeats).</param>
/// <param name="FractionOfCeiling">Correlation / Ceiling.</param>
public sealed record CellEvaluation(int Index, string Name, double Correlation, double Feve, double Oracle, double Ceiling, double FractionOfCeiling);

/// <summary>A model's performance on a test recording, per cell and averaged.</summary>
/// <param name="Model">What was evaluated.</param>
/// <param name="Data">The test data's provenance.</param>
/// <param name="Cells">Per-cell numbers.</param>
public sealed record ModelEvaluation(string Model, string Data, IReadOnlyList<CellEvaluation> Cells)
{
    /// <summary>Mean correlation over cells.</summary>
    public double MeanCorrelation => Cells.Average(c => c.Correlation);

    /// <summary>Mean FEVe over cells.</summary>
    public double MeanFeve => Cells.Average(c => c.Feve);

    /// <summary>Mean reliability ceiling over cells.</summary>
    public double MeanCeiling => Cells.Average(c => c.Ceiling);

    /// <summary>Mean correlation as a fraction of the mean ceiling.</summary>
    public double FractionOfCeiling => MeanCorrelation / MeanCeiling;

    /// <summary>
    /// Scores <paramref name="predictions"/> <c>(T − history, N)</c> (row k predicts bin k + history) against the test
    /// recording's trial-averaged rates and, when present, its repeats.
    /// </summary>
    /// <exception cref="ArgumentException">The predictions do not cover the recording's windows.</exception>
    /// <exception cref="InvalidOperationException">Some predictions are NaN or infinite (a diverged or broken model): their
    /// correlations would be NaN, and a NaN is never reported as a score. The message names the cells and the first bin.</exception>
    public static ModelEvaluation Of(string model, torch.Tensor predictions, Recording test, int history)
    {
        long windows = test.Frames - history;
        if (predictions.dim() != 2 || predictions.shape[0] != windows || predictions.shape[1] != test.Cells.Count)
            throw new ArgumentException($"Predictions must be ({windows}, {test.Cells.Count}) for {test.Provenance.Source}, got [{string.Join(", ", predictions.shape)}].");
        using var scope = torch.NewDisposeScope();
        var finite = predictions.isfinite();
        if (!finite.all().item<bool>())
        {
            var perCell = (~finite).sum([0]).cpu().to(torch.int64).data<long>().ToArray();
            var bad = Enumerable.Range(0, perCell.Length).Where(i => perCell[i] > 0).ToList();
            long firstBin = (~finite).any(1).to(torch.int64).argmax().item<long>() + history;
            throw new InvalidOperationException(
                $"{model}: {perCell.Sum()} of {predictions.numel()} predictions on {test.Provenance.Source} are NaN or infinite " +
                $"(cells {string.Join(", ", bad.Select(i => $"{test.Cells[i].Name} ({perCell[i]})"))}; first at bin {firstBin}), " +
                "so there is no correlation to report. The model diverged or its numerics are broken: retrain it (see workbench env).");
        }
        var target = test.Rates.narrow(0, history, windows);
        var r = Correlation.PerCell(predictions, target);
        int n = test.Cells.Count;
        double[] feve = Enumerable.Repeat(double.NaN, n).ToArray(), oracle = feve.ToArray(), ceiling = feve.ToArray();
        if (test.Repeats is { } repeats && repeats.shape[0] >= 2)
        {
            var aligned = repeats.narrow(1, history, windows);
            feve = VarianceExplained.Feve(aligned, predictions);
            oracle = Reliability.OracleJackknife(aligned);
            ceiling = Reliability.Ceiling(aligned);
        }
        var cells = Enumerable.Range(0, n).Select(i => new CellEvaluation(test.Cells[i].Index, test.Cells[i].Name, r[i], feve[i], oracle[i],
            ceiling[i], ceiling[i] > 0 ? r[i] / ceiling[i] : double.NaN)).ToList();
        return new ModelEvaluation(model, test.Provenance.Source, cells);
    }
}
