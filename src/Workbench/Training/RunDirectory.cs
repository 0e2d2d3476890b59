using System.Globalization;
using System.Text;
using Workbench.IO;
using Workbench.Models;

namespace Workbench.Training;

/// <summary>Where a training run resumes from: the counters of its schedule and stopping rule, and torch's RNG.</summary>
/// <param name="EpochsCompleted">Epochs finished.</param>
/// <param name="LearningRate">Learning rate for the next epoch.</param>
/// <param name="PlateauCount">Plateau schedule counter.</param>
/// <param name="Best">Best validation correlation so far.</param>
/// <param name="BestEpoch">Its epoch.</param>
/// <param name="StallCount">Early-stopping counter.</param>
/// <param name="History">Epochs so far.</param>
/// <param name="TorchRngState">torch's CPU generator state, base64, so the training noise continues identically.</param>
/// <param name="InitialValidationCorrelation">The untrained model's mean validation correlation (NaN in states written before it was recorded).</param>
public sealed record ResumeState(int EpochsCompleted, double LearningRate, int PlateauCount, double Best, int BestEpoch, int StallCount,
    IReadOnlyList<EpochSummary> History, string TorchRngState, double InitialValidationCorrelation = double.NaN);

/// <summary>
/// The files of a training run, each written atomically:
/// <c>config.json</c> (options, architecture, data, split), <c>history.csv</c> and <c>history.json</c> (one row per
/// epoch), <c>best.weights</c> with its sidecar <c>best.weights.json</c> (the checkpoint to use), <c>last/</c> (weights,
/// optimizer state and counters to resume from) and <c>result.json</c> when the run ends.
/// </summary>
/// <remarks>
/// A folder holds one run. A new run refuses a folder that already holds one (<see cref="HoldsRun"/>), so stale weights of
/// an earlier run can never pass for the new one's; and a run whose <c>result.json</c> says it diverged is neither resumed
/// nor evaluated (<see cref="RefuseIfDiverged"/>).
/// </remarks>
public sealed class RunDirectory(string path)
{
    /// <summary>The run's folder.</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The best checkpoint's weights (sidecar: <see cref="Checkpoint.SidecarOf"/>).</summary>
    public string BestWeights => System.IO.Path.Combine(Path, "best.weights");

    /// <summary>Weights of the last completed epoch.</summary>
    public string LastWeights => System.IO.Path.Combine(Path, "last", "model.weights");

    /// <summary>Optimizer state of the last completed epoch.</summary>
    public string LastOptimizer => System.IO.Path.Combine(Path, "last", "optimizer.bin");

    /// <summary>Counters of the last completed epoch.</summary>
    public string LastState => System.IO.Path.Combine(Path, "last", "state.json");

    /// <summary>The run's configuration.</summary>
    public string Config => System.IO.Path.Combine(Path, "config.json");

    /// <summary>The run's outcome.</summary>
    public string Result => System.IO.Path.Combine(Path, "result.json");

    /// <summary>Whether a resumable state exists.</summary>
    public bool CanResume => File.Exists(LastState) && File.Exists(LastWeights) && File.Exists(LastOptimizer);

    /// <summary>The files and folder a run writes; any of them present means the folder holds a run.</summary>
    private IEnumerable<string> RunFiles =>
    [
        Config, Result, BestWeights, Checkpoint.SidecarOf(BestWeights), System.IO.Path.Combine(Path, "history.csv"),
        System.IO.Path.Combine(Path, "history.json"), System.IO.Path.GetDirectoryName(LastState)!,
    ];

    /// <summary>Whether the folder already holds (part of) a training run.</summary>
    public bool HoldsRun => RunFiles.Any(f => File.Exists(f) || Directory.Exists(f));

    /// <summary>How the run ended according to <c>result.json</c>, or null if it has none (not finished, or killed).</summary>
    /// <exception cref="InvalidDataException">result.json is not a run result; the message names it.</exception>
    public RunOutcome? ReadOutcome() => File.Exists(Result) ? JsonFiles.Read<RunOutcome>(Result) : null;

    /// <summary>Throws if <c>result.json</c> says the run diverged: such a run is not resumed, evaluated or reused.</summary>
    /// <param name="action">What was asked, for the message ("resumed", "evaluated").</param>
    /// <exception cref="RunDirectoryException">The run diverged; the message names the folder, the epoch and the batch.</exception>
    public void RefuseIfDiverged(string action)
    {
        if (ReadOutcome() is not { Status: TrainingStatus.Diverged } outcome) return;
        string where = outcome.Divergence is { } d ? $"in {d}" : $"({outcome.Reason})";
        string kept = outcome.BestEpoch > 0
            ? $" Its best.weights hold epoch {outcome.BestEpoch}, from before the divergence, but the run as a whole failed."
            : " It left no model.";
        throw new RunDirectoryException(Path,
            $"{Path} is a run that ended by divergence {where} (see its result.json), so it is not {action}.{kept} " +
            "Train a new run in another folder (lower the learning rate, check the data, or check this machine's numerics with workbench env).");
    }

    /// <summary>
    /// Decides how a training run may start here, before anything is read or written: a new run needs a folder that holds
    /// no run (a new run never writes over an earlier one, whose weights could otherwise pass for the new run's); a resume
    /// needs a completed epoch's state and a run that did not diverge. A resume asked of a folder holding no run at all
    /// starts a new one.
    /// </summary>
    /// <param name="resume">Whether a resume was asked for.</param>
    /// <returns>True to resume from <c>last/</c>, false to start a new run.</returns>
    /// <exception cref="RunDirectoryException">The folder cannot be used so; the message says why and what to do.</exception>
    public bool CheckStart(bool resume)
    {
        if (resume)
        {
            RefuseIfDiverged("resumed");
            if (CanResume) return true;
            if (HoldsRun)
                throw new RunDirectoryException(Path,
                    $"{Path} holds a run with no completed epoch to resume (last/ is missing or incomplete). Delete the folder or train into another one.");
            return false;
        }
        if (!HoldsRun) return false;
        var outcome = ReadOutcome();
        string what = outcome is null ? " (unfinished)" : $" ({outcome.Status}: {outcome.Reason})";
        string options = outcome?.Status == TrainingStatus.Diverged
            ? "Train into another folder, or delete it first (a diverged run cannot be resumed)."
            : "Resume it (--resume, TrainingContext.Resume), train into another folder, or delete it first.";
        throw new RunDirectoryException(Path, $"{Path} already holds a training run{what}; a new run does not overwrite it. {options}");
    }

    /// <summary>Deletes the best checkpoint and its sidecar, so a run that ends without a model leaves none behind.</summary>
    public void RemoveBest()
    {
        File.Delete(Checkpoint.SidecarOf(BestWeights)); // the sidecar first: it is what declares the weights valid
        File.Delete(BestWeights);
    }

    /// <summary>Writes the epoch history as CSV (one row per epoch, one column per cell correlation) and as JSON.</summary>
    public void WriteHistory(IReadOnlyList<EpochSummary> history)
    {
        var csv = new StringBuilder("epoch,train_loss,validation_loss,validation_correlation,learning_rate,samples_per_second,seconds,improved");
        int cells = history.Count > 0 ? history[0].CellCorrelations.Count : 0;
        for (int c = 0; c < cells; c++) csv.Append(",r_cell_").Append(c);
        csv.Append('\n');
        foreach (var e in history)
        {
            csv.Append(string.Join(",", new object[] { e.Epoch, e.TrainLoss, e.ValidationLoss, e.ValidationCorrelation, e.LearningRate, e.SamplesPerSecond, e.Seconds, e.Improved }
                .Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))));
            foreach (double r in e.CellCorrelations) csv.Append(',').Append(r.ToString("R", CultureInfo.InvariantCulture));
            csv.Append('\n');
        }
        AtomicFile.WriteAllText(System.IO.Path.Combine(Path, "history.csv"), csv.ToString());
        JsonFiles.Write(System.IO.Path.Combine(Path, "history.json"), history);
    }
}
