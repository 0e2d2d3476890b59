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
public sealed record ResumeState(int EpochsCompleted, double LearningRate, int PlateauCount, double Best, int BestEpoch, int StallCount,
    IReadOnlyList<EpochSummary> History, string TorchRngState);

/// <summary>
/// The files of a training run, each written atomically:
/// <c>config.json</c> (options, architecture, data, split), <c>history.csv</c> and <c>history.json</c> (one row per
/// epoch), <c>best.weights</c> with its sidecar <c>best.weights.json</c> (the checkpoint to use), <c>last/</c> (weights,
/// optimizer state and counters to resume from) and <c>result.json</c> when the run ends.
/// </summary>
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
