namespace Workbench.Phenomena;

/// <summary>Polarity reversal (<see cref="PolarityReversal"/>) with the data of the paper's Fig. 3G.</summary>
/// <param name="Name">Phenomenon name.</param>
/// <param name="Verdict">Verdict.</param>
/// <param name="Criterion">Decision rule (or why nothing was measured).</param>
/// <param name="Numbers">Headline numbers.</param>
/// <param name="Cells">The model's cells measured, in order (empty when no natural movie was given).</param>
/// <param name="Proportions">Per cell, the reference's prop: the fraction of time steps whose IRF · mean IRF (dot product
/// over all History·H·W entries) is negative; NaN for a cell whose mean IRF is zero.</param>
/// <param name="ReversedFractions">Per cell, <c>InstantaneousReceptiveFields.ReversedFraction</c>: the fraction of time steps
/// with a defined Pearson correlation with the mean IRF that is negative.</param>
/// <param name="Reverses">Per cell, whether it shows polarity reversal (the reference's lower &lt; prop &lt; upper).</param>
/// <param name="Seconds">Time of each step's response from the start of the movie, s (window k answers frame k + History).</param>
/// <param name="NormalisedDots"><c>[cell][step]</c>: IRF · mean IRF / |mean IRF|², so the steps average 1 and a reversed
/// step is negative.</param>
public sealed record PolarityReversalResult(string Name, Verdict Verdict, string Criterion, IReadOnlyDictionary<string, double> Numbers,
    IReadOnlyList<int> Cells, IReadOnlyList<double> Proportions, IReadOnlyList<double> ReversedFractions, IReadOnlyList<bool> Reverses,
    IReadOnlyList<double> Seconds, IReadOnlyList<double[]> NormalisedDots)
    : PhenomenonResult(Name, Verdict, Criterion, Numbers);
