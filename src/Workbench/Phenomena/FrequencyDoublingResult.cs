namespace Workbench.Phenomena;

/// <summary>Frequency doubling (<see cref="FrequencyDoubling"/>) with the data of the paper's Fig. 3F.</summary>
/// <param name="Name">Phenomenon name.</param>
/// <param name="Verdict">Verdict.</param>
/// <param name="Criterion">Decision rule.</param>
/// <param name="Numbers">Headline numbers.</param>
/// <param name="BarWidths">Bar widths, checkers.</param>
/// <param name="BarWidthsMicrons">Bar widths, µm (× 55.55).</param>
/// <param name="MeanRatio">Mean over cells of the phase-averaged F2/F1 at each width.</param>
/// <param name="SemRatio">Its standard error over cells (NaN with one cell).</param>
/// <param name="PerCellRatio">Phase-averaged F2/F1 <c>[width][cell]</c>.</param>
public sealed record FrequencyDoublingResult(string Name, Verdict Verdict, string Criterion, IReadOnlyDictionary<string, double> Numbers,
    IReadOnlyList<int> BarWidths, IReadOnlyList<double> BarWidthsMicrons, IReadOnlyList<double> MeanRatio, IReadOnlyList<double> SemRatio,
    IReadOnlyList<double[]> PerCellRatio)
    : PhenomenonResult(Name, Verdict, Criterion, Numbers);
