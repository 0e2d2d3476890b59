using TorchSharp;

namespace Workbench.Data.Interneurons;

/// <summary>An intracellularly recorded interneuron (or a simulated one).</summary>
/// <param name="Index">Row in the potentials.</param>
/// <param name="Type">Cell class, e.g. "bipolar", "amacrine", "horizontal" (or a finer simulated type).</param>
/// <param name="Row">Receptive-field centre row in checkers, if known.</param>
/// <param name="Column">Receptive-field centre column in checkers, if known.</param>
public sealed record InterneuronCell(int Index, string Type, double? Row = null, double? Column = null);

/// <summary>One stimulus of an interneuron file and the membrane potentials it evoked.</summary>
/// <param name="Key">The stimulus group name (boxes, flashes, lines, movingbar, whitenoise, …).</param>
/// <param name="Stimulus">The stimulus (T, H, W), float32, as stored.</param>
/// <param name="Potentials">Detrended membrane potentials (T, N), float32: one column per cell.</param>
/// <param name="Cells">The N cells.</param>
public sealed record InterneuronStimulus(string Key, torch.Tensor Stimulus, torch.Tensor Potentials, IReadOnlyList<InterneuronCell> Cells) : IDisposable
{
    /// <summary>
    /// The first <paramref name="frames"/> frames of the stimulus and the potentials they evoked (copies), e.g. to run a slow
    /// model over part of a long recording.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="frames"/> is not in 1 … the recording's frames.</exception>
    public InterneuronStimulus First(long frames)
    {
        long total = Stimulus.shape[0];
        if (frames < 1 || frames > total)
            throw new ArgumentOutOfRangeException(nameof(frames), frames, $"Interneuron stimulus '{Key}' has {total} frames.");
        return this with { Stimulus = Stimulus.narrow(0, 0, frames).clone(), Potentials = Potentials.narrow(0, 0, frames).clone() };
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Stimulus.Dispose();
        Potentials.Dispose();
    }
}

/// <summary>Interneuron recordings: every stimulus group of a file (layout of torch-deep-retina's interneuron data).</summary>
/// <param name="Source">The file.</param>
/// <param name="Stimuli">The stimulus groups, in file order.</param>
public sealed record InterneuronRecording(string Source, IReadOnlyList<InterneuronStimulus> Stimuli) : IDisposable
{
    /// <summary>The stimulus group named <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such group; the message lists the ones there are.</exception>
    public InterneuronStimulus this[string key] =>
        Stimuli.FirstOrDefault(s => s.Key == key) ?? throw new KeyNotFoundException($"{Source}: no stimulus '{key}'; it has {string.Join(", ", Stimuli.Select(s => s.Key))}.");

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var s in Stimuli) s.Dispose();
    }
}
