namespace Workbench.Phenomena;

/// <summary>The omitted stimulus response (<see cref="OmittedStimulusResponse"/>) with the data of the paper's Fig. 3E.</summary>
/// <param name="Name">Phenomenon name.</param>
/// <param name="Verdict">Verdict.</param>
/// <param name="Criterion">Decision rule.</param>
/// <param name="Numbers">Headline numbers.</param>
/// <param name="Seconds">Time of each response bin relative to the omitted flash's onset, s.</param>
/// <param name="Response">Mean-over-cells response minus its pre-train value at the reference period.</param>
/// <param name="Stimulus">The stimulus contrast at each response bin's frame.</param>
/// <param name="PeriodsMs">Flash periods of the sweep, ms.</param>
/// <param name="DelaysMs">Omission-peak delay after the omitted onset at each period, ms.</param>
/// <param name="Ratios">(Omission peak − last flash cycle's minimum) / that cycle's range at each period.</param>
public sealed record OmittedStimulusResult(string Name, Verdict Verdict, string Criterion, IReadOnlyDictionary<string, double> Numbers,
    IReadOnlyList<double> Seconds, IReadOnlyList<double> Response, IReadOnlyList<double> Stimulus,
    IReadOnlyList<double> PeriodsMs, IReadOnlyList<double> DelaysMs, IReadOnlyList<double> Ratios)
    : PhenomenonResult(Name, Verdict, Criterion, Numbers);
