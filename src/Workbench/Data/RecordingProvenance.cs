namespace Workbench.Data;

/// <summary>Where a recording came from and what was done to it on the way in.</summary>
/// <param name="Source">The file (or simulator preset) it was read from.</param>
/// <param name="Split"><c>train</c> or <c>test</c>, for files in the deep-retina layout.</param>
/// <param name="RateDataset">The response dataset the rates came from, e.g. <c>train/response/firing_rate_10ms</c>.</param>
/// <param name="Notes">Everything done beyond a plain read (trimming, type conversion, normalisation), in order; warnings included.</param>
public sealed record RecordingProvenance(string Source, string? Split, string? RateDataset, IReadOnlyList<string> Notes)
{
    /// <summary>A provenance with no notes.</summary>
    public static RecordingProvenance Of(string source, string? split = null, string? rateDataset = null) =>
        new(source, split, rateDataset, []);
}
