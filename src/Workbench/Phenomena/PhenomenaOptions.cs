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
}
