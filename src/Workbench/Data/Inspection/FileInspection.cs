namespace Workbench.Data.Inspection;

/// <summary>One group or dataset of an HDF5 file.</summary>
/// <param name="Path">Its path inside the file.</param>
/// <param name="Kind"><c>group</c> or <c>dataset</c>.</param>
/// <param name="Shape">Dataset shape.</param>
/// <param name="Type">Stored element type (uint8, float32, …).</param>
/// <param name="Layout">compact, contiguous or chunked.</param>
/// <param name="Chunks">Chunk shape of a chunked dataset.</param>
public sealed record Hdf5Entry(string Path, string Kind, IReadOnlyList<long>? Shape = null, string? Type = null, string? Layout = null, IReadOnlyList<long>? Chunks = null);

/// <summary>Mean, standard deviation and range of a stimulus, in stored units.</summary>
public sealed record StimulusStatistics(double Mean, double Std, double Min, double Max);

/// <summary>What one split of a deep-retina file holds.</summary>
/// <param name="Name">train or test.</param>
/// <param name="Frames">Stimulus frames.</param>
/// <param name="Seconds">Duration at the frame period.</param>
/// <param name="Height">Stimulus height.</param>
/// <param name="Width">Stimulus width.</param>
/// <param name="StimulusType">Stored stimulus type.</param>
/// <param name="Cells">Cells in the response arrays.</param>
/// <param name="RateResolutionsMs">Firing-rate estimates present (5, 10, 20).</param>
/// <param name="HasBinnedCounts">Whether <c>response/binned</c> exists.</param>
/// <param name="Repeats">Repeated presentations (test), 0 if none.</param>
/// <param name="RepeatsLayout"><c>cellNN</c> or <c>firing_rate_Xms</c>, if repeats exist.</param>
/// <param name="Statistics">Stimulus statistics, when asked for.</param>
public sealed record SplitSummary(string Name, long Frames, double Seconds, long Height, long Width, string StimulusType, long Cells,
    IReadOnlyList<int> RateResolutionsMs, bool HasBinnedCounts, long Repeats, string? RepeatsLayout, StimulusStatistics? Statistics);

/// <summary>What one interneuron stimulus group holds.</summary>
public sealed record InterneuronSummary(string Key, long Samples, long Height, long Width, long Cells, IReadOnlyList<string> CellTypes);

/// <summary>The result of <see cref="FileInspector.Inspect"/>: the file's layout and what it holds.</summary>
/// <param name="File">The file.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="Layout"><c>deep-retina</c>, <c>interneurons</c> or <c>unrecognised</c>.</param>
/// <param name="Entries">Every group and dataset.</param>
/// <param name="Splits">Deep-retina splits.</param>
/// <param name="Stas">Number of per-cell STAs in <c>train/stas</c>.</param>
/// <param name="Interneurons">Interneuron stimulus groups.</param>
/// <param name="Notes">Anything a user should know (off-by-one responses, unusual frame periods, the paper's cells).</param>
public sealed record FileInspection(string File, long Bytes, string Layout, IReadOnlyList<Hdf5Entry> Entries, IReadOnlyList<SplitSummary> Splits,
    int Stas, IReadOnlyList<InterneuronSummary> Interneurons, IReadOnlyList<string> Notes);

