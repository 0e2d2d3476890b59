namespace Workbench.Phenomena;

/// <summary>The step response (<see cref="StepResponse"/>) with its traces.</summary>
/// <param name="Name">Phenomenon name.</param>
/// <param name="Verdict">Verdict.</param>
/// <param name="Criterion">Decision rule.</param>
/// <param name="Numbers">Headline numbers.</param>
/// <param name="Seconds">Time of each response bin from the stimulus start.</param>
/// <param name="Stimulus">The stimulus contrast at each response bin's frame.</param>
/// <param name="Rates">Each cell's rates <c>[cell][bin]</c>.</param>
/// <param name="Cells">The model's cell index of each row of <paramref name="Rates"/>.</param>
public sealed record StepResponseResult(string Name, Verdict Verdict, string Criterion, IReadOnlyDictionary<string, double> Numbers,
    IReadOnlyList<double> Seconds, IReadOnlyList<double> Stimulus, IReadOnlyList<double[]> Rates, IReadOnlyList<int> Cells)
    : PhenomenonResult(Name, Verdict, Criterion, Numbers);
