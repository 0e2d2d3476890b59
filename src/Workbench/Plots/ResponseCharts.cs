using Plotly.NET;
using Plotly.NET.CSharp;
using TorchSharp;
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

    /// <summary>
    /// Responses of named units to a designed stimulus (e.g. layer units to a flash, Fig. 2C): one line per column of
    /// <paramref name="responses"/> <c>(T, U)</c> in the units' own scale, with the stimulus's full-field value (its mean over
    /// space) on a second panel above when given.
    /// </summary>
    /// <param name="responses">Responses <c>(T, U)</c>, e.g. from <c>LayerProbe.Responses</c>.</param>
    /// <param name="names">One name per unit.</param>
    /// <param name="firstSecond">Time of the first response bin (for window models: History × frame period).</param>
    /// <param name="framePeriod">Seconds per bin.</param>
    /// <param name="title">Chart title.</param>
    /// <param name="stimulus">The stimulus <c>(T', H, W)</c> in contrast units, its frame 0 at time 0, or null.</param>
    /// <exception cref="ArgumentException">Responses not 2-D, or names and columns differ in number.</exception>
    public static GenericChart Units(torch.Tensor responses, IReadOnlyList<string> names, double firstSecond, double framePeriod, string title,
        torch.Tensor? stimulus = null)
    {
        if (responses.dim() != 2) throw new ArgumentException($"Responses must be (T, U), got [{string.Join(", ", responses.shape)}].", nameof(responses));
        if (responses.shape[1] != names.Count) throw new ArgumentException($"{names.Count} names for {responses.shape[1]} units.", nameof(names));
        using var scope = torch.NewDisposeScope();
        var r = responses.detach().cpu().to(torch.float64);
        var seconds = Enumerable.Range(0, (int)r.shape[0]).Select(i => firstSecond + i * framePeriod).ToArray();
        var lines = CSharpChart.Combine(names.Select((n, u) => CSharpChart.Line<double, double, string>(seconds, r[.., u].contiguous().data<double>().ToArray(), Name: n)));
        if (stimulus is null) return lines.Axes("time (s)", "response").Titled(title).WithSize(1000, 380);
        var level = stimulus.detach().cpu().to(torch.float64).flatten(1).mean([1]).data<double>().ToArray();
        var stimulusLine = CSharpChart.Line<double, double, string>(Enumerable.Range(0, level.Length).Select(i => i * framePeriod).ToArray(), level,
            Name: "stimulus (mean contrast)", LineColor: Color.fromString("black"));
        // One time axis for both panels: the stimulus starts before the first response (the model's history).
        var span = (0.0, Math.Max((level.Length - 1) * framePeriod, seconds.Length == 0 ? 0 : seconds[^1]));
        return Panels.Combine([
                new Panel(stimulusLine, 0, 1, 0.78, 1, YTitle: "contrast", XRange: span),
                new Panel(lines, 0, 1, 0, 0.7, XTitle: "time (s)", YTitle: "response", XRange: span),
            ]).Titled(title).WithSize(1000, 480);
    }
}
