namespace Workbench.Phenomena;

/// <summary>The motion reversal response (<see cref="MotionReversal"/>) with the data of the paper's Fig. 3C.</summary>
/// <param name="Name">Phenomenon name.</param>
/// <param name="Verdict">Verdict.</param>
/// <param name="Criterion">Decision rule.</param>
/// <param name="Numbers">Headline numbers.</param>
/// <param name="Seconds">Time of each aligned bin from the flip frame, s.</param>
/// <param name="Response">Population response: mean over cells and flips of the rate less the blank-screen rate.</param>
/// <param name="Sem">Its standard error over flips (of the mean over cells).</param>
/// <param name="Flips">Flip positions, checkers from the screen centre.</param>
/// <param name="PerCell">Each cell's flip-averaged aligned response <c>[cell][bin]</c>.</param>
/// <param name="Cells">The cells measured.</param>
/// <param name="Bursts">Each cell's largest rise in the burst window after the flip.</param>
/// <param name="MovingResponses">Each cell's largest rise to the bar drifting across without reversing.</param>
public sealed record MotionReversalResult(string Name, Verdict Verdict, string Criterion, IReadOnlyDictionary<string, double> Numbers,
    IReadOnlyList<double> Seconds, IReadOnlyList<double> Response, IReadOnlyList<double> Sem, IReadOnlyList<double> Flips,
    IReadOnlyList<double[]> PerCell, IReadOnlyList<int> Cells, IReadOnlyList<double> Bursts, IReadOnlyList<double> MovingResponses)
    : PhenomenonResult(Name, Verdict, Criterion, Numbers);
