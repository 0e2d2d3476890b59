using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Workbench.Display;

/// <summary>
/// A live progress bar for long work in notebooks (simulation, reading, fetching): give it a display handle's update
/// method (<c>var shown = display("…"); var view = new ProgressView(shown.Update, "Simulating");</c>) and pass it as the
/// work's progress. It redraws at most every <see cref="MinimumInterval"/>, and always on completion.
/// </summary>
public sealed class ProgressView(Action<object> update, string title) : IProgress<ProgressReport>
{
    private readonly Stopwatch _started = Stopwatch.StartNew();
    private readonly Stopwatch _sinceUpdate = new();

    /// <summary>Shortest time between two redraws.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(1);

    /// <summary>The last report.</summary>
    public ProgressReport Last { get; private set; } = new("starting", 0);

    /// <inheritdoc/>
    public void Report(ProgressReport value)
    {
        Last = value;
        bool done = value.Fraction >= 1;
        if (!done && _sinceUpdate.IsRunning && _sinceUpdate.Elapsed < MinimumInterval) return;
        _sinceUpdate.Restart();
        update(this);
    }

    /// <summary>HTML for notebooks: a progress element, the stage, the percentage and the elapsed time.</summary>
    public string ToHtml() => string.Create(CultureInfo.InvariantCulture,
        $"<div><b>{WebUtility.HtmlEncode(title)}</b> <progress value=\"{Math.Clamp(Last.Fraction, 0, 1):F3}\" max=\"1\"></progress> {WebUtility.HtmlEncode(ToStatus())}</div>");

    /// <inheritdoc/>
    public override string ToString() => $"{title}: {ToStatus()}";

    private string ToStatus() =>
        string.Create(CultureInfo.InvariantCulture, $"{Math.Clamp(Last.Fraction, 0, 1) * 100:F0} % {Last.Stage} ({_started.Elapsed.TotalSeconds:F1} s)");
}
