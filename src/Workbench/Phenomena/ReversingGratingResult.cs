namespace Workbench.Phenomena;

/// <summary>Responses to a reversing grating (<see cref="ReversingGrating"/>).</summary>
/// <param name="Name">Phenomenon name.</param>
/// <param name="Verdict">Verdict.</param>
/// <param name="Criterion">Decision rule.</param>
/// <param name="Numbers">Headline numbers.</param>
/// <param name="Seconds">Time of each response bin from the stimulus start.</param>
/// <param name="Stimulus">Contrast of checker (0, 0) at each response bin's frame (the reference's stimulus trace).</param>
/// <param name="Rates">Each cell's rates <c>[cell][bin]</c>.</param>
/// <param name="Cells">The model's cell index of each row of <paramref name="Rates"/>.</param>
/// <param name="F1">Each cell's DFT amplitude at the reversal frequency.</param>
/// <param name="F2">Each cell's DFT amplitude at twice the reversal frequency.</param>
public sealed record ReversingGratingResult(string Name, Verdict Verdict, string Criterion, IReadOnlyDictionary<string, double> Numbers,
    IReadOnlyList<double> Seconds, IReadOnlyList<double> Stimulus, IReadOnlyList<double[]> Rates, IReadOnlyList<int> Cells,
    IReadOnlyList<double> F1, IReadOnlyList<double> F2)
    : PhenomenonResult(Name, Verdict, Criterion, Numbers);
