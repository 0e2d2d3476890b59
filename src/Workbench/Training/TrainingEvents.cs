using System.Text.Json.Serialization;

namespace Workbench.Training;

/// <summary>How a training run ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter))]
public enum TrainingStatus
{
    /// <summary>Ran every epoch.</summary>
    Completed,
    /// <summary>Stopped because validation correlation stopped improving.</summary>
    EarlyStopped,
    /// <summary>The loss, a weight or the validation predictions became NaN or infinite: a failure. The model holds the
    /// best earlier epoch's weights if one was finite and beat the untrained model; otherwise the fit threw
    /// <see cref="TrainingDivergedException"/> and left no model. A diverged run is never resumed or evaluated.</summary>
    Diverged,
    /// <summary>Cancelled by the caller; the last completed epoch's checkpoint can be resumed.</summary>
    Cancelled,
}

/// <summary>One epoch's numbers.</summary>
/// <param name="Epoch">One-based epoch number.</param>
/// <param name="TrainLoss">Mean training loss (data term) over the epoch's batches.</param>
/// <param name="ValidationLoss">Mean loss on the held-out blocks.</param>
/// <param name="ValidationCorrelation">Mean over cells of the Pearson r on the held-out blocks (the quantity maximised).</param>
/// <param name="CellCorrelations">Per-cell validation r.</param>
/// <param name="LearningRate">Learning rate used during the epoch.</param>
/// <param name="SamplesPerSecond">Training windows per second.</param>
/// <param name="Seconds">Wall time of the epoch, validation included.</param>
/// <param name="Improved">Whether it beat the best so far by more than the tolerance.</param>
public sealed record EpochSummary(int Epoch, double TrainLoss, double ValidationLoss, double ValidationCorrelation,
    IReadOnlyList<double> CellCorrelations, double LearningRate, double SamplesPerSecond, double Seconds, bool Improved);

/// <summary>Something a training run reports while it works.</summary>
public abstract record TrainingEvent;

/// <summary>A batch finished.</summary>
/// <param name="Epoch">One-based epoch.</param>
/// <param name="Batch">One-based batch within the epoch.</param>
/// <param name="Batches">Batches in the epoch.</param>
/// <param name="Loss">This batch's loss (data term).</param>
/// <param name="SamplesPerSecond">Training speed so far this epoch.</param>
/// <param name="Eta">Estimated time to the end of the run if every epoch runs.</param>
public sealed record BatchCompleted(int Epoch, int Batch, int Batches, double Loss, double SamplesPerSecond, TimeSpan Eta) : TrainingEvent;

/// <summary>An epoch finished, validation included.</summary>
/// <param name="Summary">Its numbers.</param>
/// <param name="Epochs">Maximum epochs of the run.</param>
/// <param name="Eta">Estimated time to the end of the run if every epoch runs.</param>
public sealed record EpochCompleted(EpochSummary Summary, int Epochs, TimeSpan Eta) : TrainingEvent;

/// <summary>The run ended.</summary>
/// <param name="Status">How.</param>
/// <param name="Reason">Why, in a sentence.</param>
public sealed record TrainingStopped(TrainingStatus Status, string Reason) : TrainingEvent;
