namespace Workbench.Analysis;

/// <summary>
/// One point of an interneuron's data-efficiency curve (Maheswaranathan et al. 2023, Fig. 2H-I, model half): the unit
/// chosen as the best match from the first <see cref="Seconds"/> of the recording, scored on the rest.
/// </summary>
/// <param name="Seconds">Length of the choosing stretch, seconds.</param>
/// <param name="TrainingWindows">Windows the unit was chosen from (the first ones).</param>
/// <param name="HeldOutWindows">Windows it was scored on: all after the choosing stretch and a gap of one history, so no
/// stimulus frame is shared.</param>
/// <param name="Chosen">The best unit on the choosing stretch, with its r there.</param>
/// <param name="HeldOutR">The chosen unit's r on the held-out windows.</param>
/// <param name="BestHeldOutR">The highest r of any unit on the held-out windows (what a choice with unlimited data could reach there).</param>
public sealed record DataEfficiencyPoint(double Seconds, long TrainingWindows, long HeldOutWindows, UnitCorrelation Chosen, double HeldOutR, double BestHeldOutR);
