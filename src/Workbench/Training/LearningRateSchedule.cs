namespace Workbench.Training;

/// <summary>The learning rate after each epoch, from the validation correlation (higher is better).</summary>
/// <remarks>Its state is plain data so a resumed run continues exactly where it stopped.</remarks>
public sealed class LearningRateSchedule(TrainingOptions options)
{
    /// <summary>The current learning rate.</summary>
    public double Rate { get; set; } = options.LearningRate;

    /// <summary>Epochs since the plateau schedule last saw an improvement.</summary>
    public int EpochsWithoutImprovement { get; set; }

    /// <summary>Updates the rate after epoch <paramref name="epoch"/> (one-based); returns the rate for the next epoch.</summary>
    public double AfterEpoch(int epoch, bool improved)
    {
        switch (options.Schedule)
        {
            case ScheduleKind.Plateau:
                EpochsWithoutImprovement = improved ? 0 : EpochsWithoutImprovement + 1;
                if (EpochsWithoutImprovement >= options.PlateauPatience)
                {
                    Rate *= options.PlateauFactor;
                    EpochsWithoutImprovement = 0;
                }
                break;
            case ScheduleKind.Step:
                if (epoch % options.StepEpochs == 0) Rate *= options.StepGamma;
                break;
        }
        return Rate;
    }
}

/// <summary>Stops a run when the validation correlation has not improved for a number of epochs.</summary>
public sealed class EarlyStopping(TrainingOptions options)
{
    /// <summary>Best mean validation correlation so far.</summary>
    public double Best { get; set; } = double.NegativeInfinity;

    /// <summary>Epoch of <see cref="Best"/> (one-based; 0 before any).</summary>
    public int BestEpoch { get; set; }

    /// <summary>Epochs since the last improvement.</summary>
    public int EpochsWithoutImprovement { get; set; }

    /// <summary>Records an epoch's score. Returns whether it improved on the best by more than the tolerance.
    /// A NaN or infinite score is never an improvement, nor the best.</summary>
    public bool Record(int epoch, double correlation)
    {
        if (!double.IsFinite(correlation))
        {
            EpochsWithoutImprovement++;
            return false;
        }
        bool improved = correlation > Best + options.EarlyStoppingTolerance || BestEpoch == 0;
        if (correlation > Best || BestEpoch == 0)
        {
            Best = correlation;
            BestEpoch = epoch;
        }
        EpochsWithoutImprovement = improved ? 0 : EpochsWithoutImprovement + 1;
        return improved;
    }

    /// <summary>Whether the run should stop now.</summary>
    public bool ShouldStop => options.EarlyStoppingPatience > 0 && EpochsWithoutImprovement >= options.EarlyStoppingPatience;
}
