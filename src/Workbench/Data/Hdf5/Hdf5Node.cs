namespace Workbench.Data.Hdf5;

/// <summary>One group or dataset of a file, as <see cref="Hdf5Source.Entries"/> lists them.</summary>
/// <param name="Path">Its path inside the file, starting with <c>/</c>.</param>
/// <param name="Dataset">The dataset, or null for a group.</param>
public sealed record Hdf5Node(string Path, Hdf5Dataset? Dataset);
