namespace Workbench.Training;

/// <summary>What a run directory's <c>result.json</c> says about how the run ended (the fields that decide what may be done with it).</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Reason">Why, in a sentence.</param>
/// <param name="BestEpoch">The epoch whose weights <c>best.weights</c> holds, or 0 if there are none.</param>
/// <param name="Divergence">Where it diverged, for a diverged run.</param>
public sealed record RunOutcome(TrainingStatus Status, string Reason, int BestEpoch, Divergence? Divergence);
