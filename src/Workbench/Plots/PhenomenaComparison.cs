using Plotly.NET;
using Workbench.Phenomena;

namespace Workbench.Plots;

/// <summary>
/// The battery on several subjects side by side (the paper's comparison of the retina, a natural-scene CNN and a
/// white-noise CNN): a verdict row per phenomenon and each phenomenon's figures, one per subject.
/// </summary>
public static class PhenomenaComparison
{
    /// <summary>
    /// One row per phenomenon (in the first subject's order): each subject's verdict and headline numbers, e.g. for a
    /// notebook's <c>TableView</c>.
    /// </summary>
    /// <exception cref="ArgumentException">No subjects.</exception>
    public static IReadOnlyList<(string Phenomenon, string Verdicts)> Verdicts(IReadOnlyList<(string Subject, IReadOnlyList<PhenomenonResult> Results)> batteries)
    {
        if (batteries.Count == 0) throw new ArgumentException("Give at least one subject's battery.", nameof(batteries));
        return Names(batteries).Select(name => (name, string.Join(" · ", batteries.Select(b =>
            b.Results.FirstOrDefault(r => r.Name == name) is { } r ? $"{b.Subject}: {r.Verdict}" : $"{b.Subject}: not run")))).ToList();
    }

    /// <summary>
    /// The figures of <paramref name="phenomenon"/>, one per subject that ran it, each titled with the subject, the
    /// verdict and the criterion's numbers.
    /// </summary>
    /// <exception cref="ArgumentException">No subject ran the phenomenon (the message lists the ones that were run).</exception>
    public static IReadOnlyList<GenericChart> Figures(string phenomenon, IReadOnlyList<(string Subject, IReadOnlyList<PhenomenonResult> Results)> batteries)
    {
        var charts = batteries
            .Select(b => (b.Subject, Result: b.Results.FirstOrDefault(r => r.Name == phenomenon)))
            .Where(x => x.Result is not null)
            .Select(x => PhenomenaCharts.Figure(x.Result!).Titled($"{x.Subject}: {x.Result!}"))
            .ToList();
        if (charts.Count == 0)
            throw new ArgumentException($"No subject ran '{phenomenon}'; the batteries hold {string.Join(", ", Names(batteries))}.", nameof(phenomenon));
        return charts;
    }

    private static IEnumerable<string> Names(IReadOnlyList<(string Subject, IReadOnlyList<PhenomenonResult> Results)> batteries) =>
        batteries.SelectMany(b => b.Results.Select(r => r.Name)).Distinct();
}
