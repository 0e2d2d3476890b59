using Workbench.Data;

namespace Workbench.Analysis;

/// <summary>Options of <see cref="InterneuronMatching.Match(Models.RetinaModel, Data.Interneurons.InterneuronStimulus, InterneuronMatchOptions?)"/>.</summary>
public sealed record InterneuronMatchOptions
{
    /// <summary>Layers to probe; null: "bn1" and "bn2", the BN-CNN's layers 1 and 2 before their nonlinearity, as the reference compares them.</summary>
    public IReadOnlyList<string>? Layers { get; init; }

    /// <summary>Normalisation applied to the interneuron stimulus; null: its own mean and standard deviation (the reference z-scores interneuron stimuli with their own statistics).</summary>
    public StimulusNormalisation? Normalisation { get; init; }

    /// <summary>Seconds per stimulus frame and potential sample (deep-retina and the synthetic retina: 10 ms).</summary>
    public double FramePeriod { get; init; } = 0.01;

    /// <summary>
    /// Lengths k (seconds) of the stretch the data-efficiency curve chooses the best unit from; null: 1, 2, 5, 10, 20, 50, …
    /// as far as a tenth of the windows is left to score on.
    /// </summary>
    public IReadOnlyList<double>? TrainingSeconds { get; init; }

    /// <summary>Circular shift (windows) of the control potentials; null: drawn from <see cref="Seed"/> between a quarter and three quarters of the windows.</summary>
    public long? ControlShift { get; init; }

    /// <summary>Seed of the control shift.</summary>
    public int Seed { get; init; } = 12;

    /// <summary>Choose best units by |r| instead of r (the reference's figure pipeline does; its docstring advises against it for publication).</summary>
    public bool Absolute { get; init; }

    /// <summary>
    /// Equal-count bins of the nonlinearity of the LN model the data-efficiency curve fits to each interneuron (default 20,
    /// as <see cref="LnFitOptions.Bins"/>); choosing stretches shorter than twice this many windows get no LN fit (NaN).
    /// </summary>
    public int LnBins { get; init; } = 20;

    /// <summary>Windows per forward pass.</summary>
    public int BatchSize { get; init; } = 128;
}
