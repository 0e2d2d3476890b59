namespace Workbench.Phenomena;

/// <summary>
/// What one phenomenon measured on one model: its name, a verdict, the numeric criterion that decided it (in words, with
/// its thresholds), the headline numbers, and (in the derived record of each phenomenon) the data its figure needs
/// (<c>Plots.PhenomenaCharts.Figure</c>).
/// </summary>
/// <param name="Name">The phenomenon, as the paper names it.</param>
/// <param name="Verdict">Present, absent or inconclusive by <paramref name="Criterion"/>.</param>
/// <param name="Criterion">The decision rule with its thresholds.</param>
/// <param name="Numbers">Headline measurements by name (units in the name).</param>
public abstract record PhenomenonResult(string Name, Verdict Verdict, string Criterion, IReadOnlyDictionary<string, double> Numbers)
{
    /// <summary>One line: name, verdict and numbers.</summary>
    public sealed override string ToString() =>
        $"{Name}: {Verdict} ({string.Join(", ", Numbers.Select(kv => $"{kv.Key} {kv.Value:G4}"))})";
}
