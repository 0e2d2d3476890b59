using Workbench.Data;

namespace Workbench.Training;

/// <summary>The outcome of a training run.</summary>
/// <param name="Status">How it ended. <see cref="TrainingStatus.Diverged"/> is a failure even when a model was kept.</param>
/// <param name="Reason">Why, in a sentence.</param>
/// <param name="History">Every completed epoch.</param>
/// <param name="BestEpoch">The epoch whose weights the model holds at the end (when <see cref="TrainingOptions.RestoreBest"/>, and
/// always after a divergence), or 0 if there is none.</param>
/// <param name="BestValidationCorrelation">Its mean validation correlation.</param>
/// <param name="Split">Which windows trained and which validated.</param>
/// <param name="Duration">Wall time of this call.</param>
/// <param name="RunDirectory">Where checkpoints and history were written, if anywhere.</param>
/// <param name="InitialValidationCorrelation">Mean validation correlation of the untrained model (after output calibration),
/// the bar an epoch must beat to count as good; NaN if unknown (a run resumed from a state written before it was recorded).</param>
/// <param name="Divergence">Where and how the run diverged, when <see cref="Status"/> is <see cref="TrainingStatus.Diverged"/>.</param>
public sealed record TrainingResult(TrainingStatus Status, string Reason, IReadOnlyList<EpochSummary> History, int BestEpoch,
    double BestValidationCorrelation, TimeSplit Split, TimeSpan Duration, string? RunDirectory,
    double InitialValidationCorrelation = double.NaN, Divergence? Divergence = null)
{
    /// <summary>Whether the run left a model: false only for a run that diverged before any good epoch (the fit then threw
    /// <see cref="TrainingDivergedException"/>, and this record exists only in <c>result.json</c>).</summary>
    public bool HasModel => Status != TrainingStatus.Diverged || BestEpoch > 0;

    /// <summary>
    /// Returns this result, or throws if the run ended by divergence, even one that kept an earlier epoch's weights: for
    /// callers (notebooks, reports) whose numbers must come from a run that ended normally.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The run diverged; the message says where and which weights remain.</exception>
    public TrainingResult ThrowIfDiverged() => Status == TrainingStatus.Diverged
        ? throw new TrainingDivergedException(Divergence ?? new Divergence(History.Count + 1, 0, Reason), RunDirectory,
            $"Training {Reason}. A run that ended by divergence is not a result: lower the learning rate, check the data, or check " +
            "this machine's numerics (workbench env).")
        : this;
}
