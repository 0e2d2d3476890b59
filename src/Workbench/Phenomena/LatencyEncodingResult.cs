namespace Workbench.Phenomena;

/// <summary>Latency encoding (<see cref="LatencyEncoding"/>) with the curves of the paper's Fig. 3B.</summary>
/// <param name="Name">Phenomenon name.</param>
/// <param name="Verdict">Verdict.</param>
/// <param name="Criterion">Decision rule.</param>
/// <param name="Numbers">Headline numbers.</param>
/// <param name="Intensities">Flash intensities (contrast).</param>
/// <param name="LatenciesMs">Peak latency from the flash onset for each intensity, ms (NaN: no response).</param>
/// <param name="Responses">Mean-over-cells response minus the no-flash response, <c>[intensity][bin]</c>.</param>
/// <param name="TimesMs">Time of each response bin from the flash onset, ms.</param>
public sealed record LatencyEncodingResult(string Name, Verdict Verdict, string Criterion, IReadOnlyDictionary<string, double> Numbers,
    IReadOnlyList<double> Intensities, IReadOnlyList<double> LatenciesMs, IReadOnlyList<double[]> Responses, IReadOnlyList<double> TimesMs)
    : PhenomenonResult(Name, Verdict, Criterion, Numbers);
