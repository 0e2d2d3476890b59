using System.Diagnostics;
using System.Net;
using Workbench.Plots;
using Workbench.Training;

namespace Workbench.Display;

/// <summary>
/// A live view of a training run for notebooks: show it and attach it to its output
/// (<c>var view = new TrainingProgressView("BN-CNN"); view.Attach(display(view));</c>) and pass it as the run's progress.
/// It redraws a status line (at most every <see cref="MinimumInterval"/> during an epoch) and the learning curves after
/// every epoch. In the headless runner the last state is what the report shows.
/// </summary>
public sealed class TrainingProgressView : IProgress<TrainingEvent>
{
    private readonly List<EpochSummary> _history = [];
    private readonly string _title;
    private Action<object>? _update;

    /// <summary>A view that redraws through <paramref name="update"/> (a display handle's update method).</summary>
    public TrainingProgressView(Action<object> update, string title = "Training")
    {
        _update = update;
        _title = title;
    }

    /// <summary>A view to show with <c>display(view)</c> and then <see cref="Attach"/> to that output.</summary>
    public TrainingProgressView(string title = "Training") => _title = title;

    /// <summary>
    /// Redraws from now on in the output <paramref name="displayHandle"/> (what <c>display(this)</c> returned) stands
    /// for, in the .NET Interactive kernel or the workbench's runner (see <see cref="DisplayUpdates"/>).
    /// </summary>
    public TrainingProgressView Attach(object displayHandle)
    {
        _update = DisplayUpdates.Of(displayHandle);
        return this;
    }
    private readonly Stopwatch _sinceUpdate = new();
    private string _status = "starting";

    /// <summary>Shortest time between two redraws within an epoch.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(2);

    /// <summary>Epochs so far.</summary>
    public IReadOnlyList<EpochSummary> History => _history;

    /// <summary>The current status line.</summary>
    public string Status => _status;

    /// <inheritdoc/>
    public void Report(TrainingEvent value)
    {
        switch (value)
        {
            case BatchCompleted b:
                _status = $"epoch {b.Epoch}, batch {b.Batch}/{b.Batches}: loss {b.Loss:F4}, {b.SamplesPerSecond:F0} samples/s, ETA {b.Eta:hh\\:mm\\:ss}";
                if (_sinceUpdate.IsRunning && _sinceUpdate.Elapsed < MinimumInterval) return;
                break;
            case EpochCompleted e:
                _history.Add(e.Summary);
                _status = $"epoch {e.Summary.Epoch}/{e.Epochs}: validation r {e.Summary.ValidationCorrelation:F4}" +
                          $"{(e.Summary.Improved ? " (best)" : "")}, {e.Summary.SamplesPerSecond:F0} samples/s, ETA {e.Eta:hh\\:mm\\:ss}";
                break;
            case TrainingStopped s:
                _status = $"{s.Status}: {s.Reason}";
                break;
        }
        _sinceUpdate.Restart();
        _update?.Invoke(this);
    }

    /// <summary>HTML for notebooks: the status line and, once an epoch has finished, the learning curves.</summary>
    public string ToHtml() =>
        $"<div><b>{WebUtility.HtmlEncode(_title)}</b> · {WebUtility.HtmlEncode(_status)}</div>" +
        (_history.Count > 0 ? ChartHtml.Fragment(TrainingCharts.LearningCurves(_history)) : "");

    /// <inheritdoc/>
    public override string ToString() => $"{_title}: {_status}";
}
