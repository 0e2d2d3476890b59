namespace Workbench.Phenomena;

/// <summary>Object motion sensitivity (<see cref="ObjectMotionSensitivity"/>) with the data of the paper's Fig. 3H.</summary>
/// <param name="Name">Phenomenon name.</param>
/// <param name="Verdict">Verdict.</param>
/// <param name="Criterion">Decision rule.</param>
/// <param name="Numbers">Headline numbers.</param>
/// <param name="Seconds">Time of each response bin from the stimulus start, s.</param>
/// <param name="DifferentialResponse">Mean over cells and trials of the rate under differential motion.</param>
/// <param name="GlobalResponse">Mean over cells and trials of the rate under global motion.</param>
/// <param name="Cells">The cells measured.</param>
/// <param name="DifferentialMeans">Each cell's mean rate under differential motion.</param>
/// <param name="GlobalMeans">Each cell's mean rate under global motion.</param>
/// <param name="Ratios">Each cell's global ÷ differential mean (NaN when the differential mean is not positive).</param>
/// <param name="DiscCentres">Each cell's disc centre, [row, column] in checkers (null in results written before the disc
/// followed the cell).</param>
public sealed record ObjectMotionResult(string Name, Verdict Verdict, string Criterion, IReadOnlyDictionary<string, double> Numbers,
    IReadOnlyList<double> Seconds, IReadOnlyList<double> DifferentialResponse, IReadOnlyList<double> GlobalResponse,
    IReadOnlyList<int> Cells, IReadOnlyList<double> DifferentialMeans, IReadOnlyList<double> GlobalMeans, IReadOnlyList<double> Ratios,
    IReadOnlyList<double[]>? DiscCentres = null)
    : PhenomenonResult(Name, Verdict, Criterion, Numbers);
