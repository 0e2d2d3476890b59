using System.Text.Json.Serialization;

namespace Workbench.Training;

/// <summary>The loss a model is fitted with.</summary>
[JsonConverter(typeof(JsonStringEnumConverter))]
public enum LossKind
{
    /// <summary>Poisson negative log-likelihood, mean over batch and cells: mean(ŷ − y·log(ŷ + 1e-8)) (the reference).</summary>
    Poisson,
    /// <summary>Mean squared error.</summary>
    Mse,
}

/// <summary>How the learning rate changes.</summary>
[JsonConverter(typeof(JsonStringEnumConverter))]
public enum ScheduleKind
{
    /// <summary>Constant.</summary>
    None,
    /// <summary>Multiply by <see cref="TrainingOptions.PlateauFactor"/> when the validation correlation has not improved for
    /// <see cref="TrainingOptions.PlateauPatience"/> epochs (maximising: the reference's "min" mode on a correlation is a bug).</summary>
    Plateau,
    /// <summary>Multiply by <see cref="TrainingOptions.StepGamma"/> every <see cref="TrainingOptions.StepEpochs"/> epochs.</summary>
    Step,
}

/// <summary>
/// Everything that decides a training run. Defaults follow torch-deep-retina where it is sound (Adam, Poisson loss,
/// L2 1e-3 as weight decay on all parameters, L1 on the output activity), with a CPU-sized batch.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Maximum epochs.</summary>
    public int Epochs { get; init; } = 40;

    /// <summary>Windows per batch.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>L2 penalty, applied as Adam's coupled weight decay on every parameter (as the reference).</summary>
    public double L2 { get; init; } = 1e-3;

    /// <summary>
    /// L1 penalty on the predicted rates, times their mean over batch and cells: invariant to batch size and to the number
    /// of cells, so one value carries over between recordings (and between the recordings of a shared core). The default,
    /// 5e-4, is the reference's 1e-4 on the sum over its 5 cells.
    /// </summary>
    public double L1 { get; init; } = 5e-4;

    /// <summary>The loss.</summary>
    public LossKind Loss { get; init; } = LossKind.Poisson;

    /// <summary>The learning-rate schedule.</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Plateau;

    /// <summary>Plateau schedule: factor applied to the learning rate.</summary>
    public double PlateauFactor { get; init; } = 0.3;

    /// <summary>Plateau schedule: epochs without improvement before reducing.</summary>
    public int PlateauPatience { get; init; } = 3;

    /// <summary>Step schedule: epochs between reductions.</summary>
    public int StepEpochs { get; init; } = 10;

    /// <summary>Step schedule: factor per step.</summary>
    public double StepGamma { get; init; } = 0.1;

    /// <summary>Stop after this many epochs without an improvement of more than <see cref="EarlyStoppingTolerance"/>; 0 turns it off.</summary>
    public int EarlyStoppingPatience { get; init; } = 6;

    /// <summary>The smallest rise in mean validation correlation that counts as an improvement.</summary>
    public double EarlyStoppingTolerance { get; init; } = 1e-3;

    /// <summary>Fraction of the windows held out for validation, as contiguous blocks.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Number of validation blocks.</summary>
    public int ValidationBlocks { get; init; } = 5;

    /// <summary>Stimulus frames per window.</summary>
    public int History { get; init; } = 40;

    /// <summary>Caps batches per epoch (quick runs); null uses every training window each epoch.</summary>
    public int? MaxBatchesPerEpoch { get; init; }

    /// <summary>Seed for initialisation, shuffling and the training noise.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// Start each cell's output offset at softplus⁻¹ of its mean training rate (see <see cref="Models.RetinaModel.CalibrateOutput"/>).
    /// Off by default, as in the reference, whose offsets start at 0 (about 0.7 Hz): Adam then needs thousands of steps to
    /// reach cells' rates of tens of Hz, so short runs end miscalibrated (a good correlation with a negative FEVe). On,
    /// short runs start at the right scale, but the softplus then starts in its linear range, from which strongly
    /// rectifying cells are learned more slowly (a planted rectifying LN cell: validation r 0.942 instead of 0.95+ in 8 short epochs).
    /// </summary>
    public bool CalibrateOutput { get; init; }

    /// <summary>Restore the best epoch's weights at the end (otherwise the last epoch's remain).</summary>
    public bool RestoreBest { get; init; } = true;

    /// <summary>Checks every value, naming the first that is out of range.</summary>
    public void Validate()
    {
        void Require(bool ok, string name, object value, string range)
        {
            if (!ok) throw new ArgumentException($"Training option {name} = {value} is out of range: {range}.");
        }
        Require(Epochs >= 1, nameof(Epochs), Epochs, ">= 1");
        Require(BatchSize >= 2, nameof(BatchSize), BatchSize, ">= 2 (batch norm needs a batch)");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "> 0");
        Require(L2 >= 0, nameof(L2), L2, ">= 0");
        Require(L1 >= 0, nameof(L1), L1, ">= 0");
        Require(PlateauFactor > 0 && PlateauFactor < 1, nameof(PlateauFactor), PlateauFactor, "(0, 1)");
        Require(PlateauPatience >= 1, nameof(PlateauPatience), PlateauPatience, ">= 1");
        Require(StepEpochs >= 1, nameof(StepEpochs), StepEpochs, ">= 1");
        Require(StepGamma > 0 && StepGamma <= 1, nameof(StepGamma), StepGamma, "(0, 1]");
        Require(EarlyStoppingPatience >= 0, nameof(EarlyStoppingPatience), EarlyStoppingPatience, ">= 0");
        Require(ValidationFraction > 0 && ValidationFraction < 1, nameof(ValidationFraction), ValidationFraction, "(0, 1)");
        Require(ValidationBlocks >= 1, nameof(ValidationBlocks), ValidationBlocks, ">= 1");
        Require(History >= 1, nameof(History), History, ">= 1");
        Require(MaxBatchesPerEpoch is null or >= 1, nameof(MaxBatchesPerEpoch), MaxBatchesPerEpoch!, ">= 1");
    }
}
