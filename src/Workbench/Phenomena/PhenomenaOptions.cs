namespace Workbench.Phenomena;

/// <summary>Settings shared by every phenomenon of a battery run.</summary>
public sealed record PhenomenaOptions
{
    /// <summary>Fewer conditions per phenomenon (intensities, periods, bar widths, phases), for CI and previews: each
    /// phenomenon documents its quick set. The stimuli themselves are unchanged.</summary>
    public bool Quick { get; init; }

    /// <summary>Windows per forward pass.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>The model's output cells to measure (null: all). Population measures average over these.</summary>
    public IReadOnlyList<int>? Cells { get; init; }

    /// <summary>A natural movie <c>(T, H, W)</c> in the model's <b>input</b> units (fed as is, not through a
    /// <see cref="StimulusInput"/>; e.g. the natural-scene test stimulus of the model's recording), for the phenomena measured
    /// over natural scenes (<see cref="PolarityReversal"/>). Null: those phenomena are Inconclusive and say so.</summary>
    public TorchSharp.torch.Tensor? NaturalScenes { get; init; }
}
