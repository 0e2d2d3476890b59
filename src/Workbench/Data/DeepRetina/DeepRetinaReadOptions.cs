namespace Workbench.Data.DeepRetina;

/// <summary>What to read from a deep-retina file and how to prepare it.</summary>
public sealed record DeepRetinaReadOptions
{
    /// <summary>Indices into the response arrays (the reference's <c>CELLS</c>); null reads every cell.</summary>
    public IReadOnlyList<int>? Cells { get; init; }

    /// <summary>Which firing-rate estimate to use: 5, 10 or 20 ms (dataset <c>firing_rate_{n}ms</c>).</summary>
    public int RateBinMs { get; init; } = 10;

    /// <summary>Normalise the stimulus to zero mean and unit standard deviation with one scalar mean and std.</summary>
    public bool Normalise { get; init; } = true;

    /// <summary>The statistics to normalise with; null takes them from the file's <em>training</em> stimulus (as the reference).</summary>
    public StimulusNormalisation? Normalisation { get; init; }

    /// <summary>Read the binned spike counts (<c>response/binned</c>) when present.</summary>
    public bool IncludeCounts { get; init; } = true;

    /// <summary>Read the test repeats when present.</summary>
    public bool IncludeRepeats { get; init; } = true;

    /// <summary>Reports the stimulus read, slab by slab.</summary>
    public IProgress<ProgressReport>? Progress { get; init; }
}
