namespace Workbench.Training;

/// <summary>
/// A fit diverged (its loss, weights or predictions became NaN or infinite) before any epoch ended with finite weights
/// whose validation correlation beat the untrained model's, so there is no model to return. Also thrown by
/// <see cref="TrainingResult.ThrowIfDiverged"/> for a run that kept an earlier epoch's weights but still ended by divergence.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="divergence">Where and how it diverged.</param>
    /// <param name="runDirectory">The run directory whose <c>result.json</c> records the failure, if any.</param>
    /// <param name="message">The full message (epoch, batch, what happened, what remains).</param>
    public TrainingDivergedException(Divergence divergence, string? runDirectory, string message) : base(message)
    {
        Divergence = divergence;
        RunDirectory = runDirectory;
    }

    /// <summary>Where and how it diverged.</summary>
    public Divergence Divergence { get; }

    /// <summary>The run directory, if the run had one.</summary>
    public string? RunDirectory { get; }
}
