using Workbench.Data;

namespace Workbench.Training;

/// <summary>The outcome of a training run.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Reason">Why, in a sentence.</param>
/// <param name="History">Every completed epoch.</param>
/// <param name="BestEpoch">The epoch whose weights the model holds at the end (when <see cref="TrainingOptions.RestoreBest"/>), or 0 if none completed.</param>
/// <param name="BestValidationCorrelation">Its mean validation correlation.</param>
/// <param name="Split">Which windows trained and which validated.</param>
/// <param name="Duration">Wall time of this call.</param>
/// <param name="RunDirectory">Where checkpoints and history were written, if anywhere.</param>
public sealed record TrainingResult(TrainingStatus Status, string Reason, IReadOnlyList<EpochSummary> History, int BestEpoch,
    double BestValidationCorrelation, TimeSplit Split, TimeSpan Duration, string? RunDirectory);
