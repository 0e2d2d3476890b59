namespace Workbench.Analysis;

/// <summary>
/// One point of an interneuron's data-efficiency curve (Maheswaranathan et al. 2023, Fig. 2H-I): the model unit chosen as
/// the best match from the first <see cref="Seconds"/> of the recording, scored on the rest, against an LN model fitted
/// directly to the interneuron's potential on the same stretch and scored on the same held-out windows.
/// </summary>
/// <remarks>
/// The LN model is <see cref="LnFits"/>' (reverse correlation): its filter is the STA of the potential over the stimulus
/// windows of the choosing stretch, normalised to unit length; its nonlinearity the mean potential in
/// <see cref="InterneuronMatchOptions.LnBins"/> equal-count bins of the generator signal on that stretch
/// (<see cref="Statistics.BinnedNonlinearity"/>); its prediction that nonlinearity interpolated. The paper's point: with
/// little data the STA is noisy and the LN's held-out r falls, while choosing among a trained model's units still finds
/// a unit that predicts the interneuron well.
/// </remarks>
/// <param name="Seconds">Length of the choosing stretch, seconds.</param>
/// <param name="TrainingWindows">Windows the unit was chosen from (the first ones).</param>
/// <param name="HeldOutWindows">Windows it was scored on: all after the choosing stretch and a gap of one history, so no
/// stimulus frame is shared.</param>
/// <param name="Chosen">The best unit on the choosing stretch, with its r there.</param>
/// <param name="HeldOutR">The chosen unit's r on the held-out windows.</param>
/// <param name="BestHeldOutR">The highest r of any unit on the held-out windows (what a choice with unlimited data could reach there).</param>
/// <param name="LnTrainR">Pearson r of the LN model's prediction with the potential on the choosing stretch it was fitted
/// on (in-sample); NaN when the stretch has fewer than 2 × <see cref="InterneuronMatchOptions.LnBins"/> windows.</param>
/// <param name="LnHeldOutR">Pearson r of the LN model's prediction with the potential on the held-out windows (the same
/// windows as <paramref name="HeldOutR"/>); NaN as <paramref name="LnTrainR"/>.</param>
public sealed record DataEfficiencyPoint(double Seconds, long TrainingWindows, long HeldOutWindows, UnitCorrelation Chosen, double HeldOutR, double BestHeldOutR,
    double LnTrainR = double.NaN, double LnHeldOutR = double.NaN);
