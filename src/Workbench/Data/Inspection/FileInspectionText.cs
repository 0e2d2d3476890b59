using System.Globalization;
using System.Text;

namespace Workbench.Data.Inspection;

/// <summary>The human-readable form of a <see cref="FileInspection"/>, shared by <c>workbench data inspect</c> and notebooks.</summary>
public static class FileInspectionText
{
    /// <summary>A summary line per split, STAs, interneuron groups and notes, then every dataset with shape, type and layout.</summary>
    public static string Describe(this FileInspection info)
    {
        var text = new StringBuilder();
        void Line(FormattableString s) => text.Append(s.ToString(CultureInfo.InvariantCulture)).Append('\n');
        Line($"{info.File} ({info.Bytes / 1e6:F1} MB): {info.Layout} layout");
        foreach (var s in info.Splits)
        {
            string repeats = s.Repeats > 0 ? $"; {s.Repeats} repeats ({s.RepeatsLayout})" : "";
            Line($"  {s.Name + ":",-7}{s.Frames} frames ({s.Seconds:F1} s) of {s.Height}x{s.Width} {s.StimulusType}; {s.Cells} cells; rates {string.Join(", ", s.RateResolutionsMs)} ms{(s.HasBinnedCounts ? "; binned counts" : "")}{repeats}");
            if (s.Statistics is { } st)
                Line($"         stimulus mean {st.Mean:G5}, std {st.Std:G5}, range {st.Min:G5} .. {st.Max:G5}");
        }
        if (info.Stas > 0) Line($"  STAs: {info.Stas} cells");
        foreach (var i in info.Interneurons)
            Line($"  {i.Key}: {i.Samples} samples of {i.Height}x{i.Width}; {i.Cells} cells ({string.Join(", ", i.CellTypes)})");
        foreach (string note in info.Notes) Line($"  note: {note}");
        Line($"Datasets:");
        foreach (var e in info.Entries.Where(e => e.Kind == "dataset"))
            Line($"  {e.Path,-40} [{string.Join(", ", e.Shape!)}] {e.Type} {e.Layout}{(e.Chunks is null ? "" : $" [{string.Join(", ", e.Chunks)}]")}");
        return text.ToString();
    }
}
