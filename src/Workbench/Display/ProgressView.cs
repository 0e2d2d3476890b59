using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Workbench.Display;

/// <summary>
/// A live progress bar for long work in notebooks (simulation, reading, fetching): show it and attach it to its output
/// (<c>var view = new ProgressView("Simulating"); view.Attach(display(view));</c>), then pass it as the work's progress.
/// It redraws at most every <see cref="MinimumInterval"/>, and always on completion.
/// </summary>
public sealed class ProgressView : IProgress<ProgressReport>
{
    private readonly Stopwatch _started = Stopwatch.StartNew();
    private readonly Stopwatch _sinceUpdate = new();
    private readonly string _title;
    private Action<object>? _update;

    /// <summary>A view that redraws through <paramref name="update"/> (a display handle's update method).</summary>
    public ProgressView(Action<object> update, string title)
    {
        _update = update;
        _title = title;
    }

    /// <summary>A view to show with <c>display(view)</c> and then <see cref="Attach"/> to that output.</summary>
    public ProgressView(string title) => _title = title;

    /// <summary>
    /// Redraws from now on in the output <paramref name="displayHandle"/> (what <c>display(this)</c> returned) stands
    /// for, in the .NET Interactive kernel or the workbench's runner (see <see cref="DisplayUpdates"/>).
    /// </summary>
    public ProgressView Attach(object displayHandle)
    {
        _update = DisplayUpdates.Of(displayHandle);
        return this;
    }

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
        _update?.Invoke(this);
    }

    /// <summary>HTML for notebooks: a progress element, the stage, the percentage and the elapsed time.</summary>
    public string ToHtml() => string.Create(CultureInfo.InvariantCulture,
        $"<div><b>{WebUtility.HtmlEncode(_title)}</b> <progress value=\"{Math.Clamp(Last.Fraction, 0, 1):F3}\" max=\"1\"></progress> {WebUtility.HtmlEncode(ToStatus())}</div>");

    /// <inheritdoc/>
    public override string ToString() => $"{_title}: {ToStatus()}";

    private string ToStatus() =>
        string.Create(CultureInfo.InvariantCulture, $"{Math.Clamp(Last.Fraction, 0, 1) * 100:F0} % {Last.Stage} ({_started.Elapsed.TotalSeconds:F1} s)");
}
