using Plotly.NET;
using Plotly.NET.CSharp;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Plots;

/// <summary>Charts of firing rates over time.</summary>
public static class ResponseCharts
{
    /// <summary>
    /// Overlaid rate traces on one time axis (as the paper's Fig. 1C: data and each model's prediction).
    /// </summary>
    /// <param name="seconds">Time of each bin, in seconds.</param>
    /// <param name="traces">Named rate series (Hz), each as long as <paramref name="seconds"/>.</param>
    /// <param name="title">Chart title.</param>
    public static GenericChart Psth(IReadOnlyList<double> seconds, IEnumerable<(string Name, IReadOnlyList<double> Rates)> traces, string title)
    {
        var lines = traces.Select(t =>
        {
            if (t.Rates.Count != seconds.Count)
                throw new ArgumentException($"Trace '{t.Name}' has {t.Rates.Count} bins for {seconds.Count} times.");
            return CSharpChart.Line<double, double, string>(seconds, t.Rates, Name: t.Name);
        }).ToList();
        return CSharpChart.Combine(lines).Axes("time (s)", "rate (Hz)").Titled(title).WithSize(1000, 350);
    }
}
