using System.Text.Json;
using Workbench.Cli.CommandLine;
using Workbench.Data.Inspection;
using Workbench.IO;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench data inspect</c>: describes a recording file without loading it.</summary>
public sealed class DataInspectCommand : ICommand
{
    /// <inheritdoc/>
    public string Name => "data inspect";

    /// <inheritdoc/>
    public string Summary => "Describe an HDF5 recording: layout, shapes, stored types, duration, cells, repeats, statistics.";

    /// <inheritdoc/>
    public string Help => """
        Usage: workbench data inspect FILE [--stats] [--json]

        Lists every group and dataset (shape, stored type, contiguous or chunked), recognises the deep-retina and
        interneuron layouts and summarises them: frames and duration per split, cells, rate estimates, binned counts,
        repeats, STAs, and known problems (such as the off-by-one test response of 15-10-07 whitenoise).

          --stats   also stream each stimulus for its mean, standard deviation and range
          --json    print the result as JSON
        """;

    /// <inheritdoc/>
    public int Run(IReadOnlyList<string> args)
    {
        var a = new Arguments(args, Name, ["stats", "json"], []);
        if (a.Positionals.Count != 1) throw new UsageException($"workbench {Name}: expected one file, got {a.Positionals.Count}.");
        var info = FileInspector.Inspect(a.Positionals[0], a.Flag("stats"));
        if (a.Flag("json"))
        {
            Console.WriteLine(JsonSerializer.Serialize(info, JsonFiles.Options));
            return ExitCodes.Ok;
        }
        Console.WriteLine($"{info.File} ({info.Bytes / 1e6:F1} MB): {info.Layout} layout");
        foreach (var s in info.Splits)
        {
            Console.WriteLine($"  {s.Name + ":",-7}{s.Frames} frames ({s.Seconds:F1} s) of {s.Height}x{s.Width} {s.StimulusType}; {s.Cells} cells; " +
                              $"rates {string.Join(", ", s.RateResolutionsMs)} ms{(s.HasBinnedCounts ? "; binned counts" : "")}" +
                              (s.Repeats > 0 ? $"; {s.Repeats} repeats ({s.RepeatsLayout})" : ""));
            if (s.Statistics is { } st)
                Console.WriteLine($"         stimulus mean {st.Mean:G5}, std {st.Std:G5}, range {st.Min:G5} .. {st.Max:G5}");
        }
        if (info.Stas > 0) Console.WriteLine($"  STAs: {info.Stas} cells");
        foreach (var i in info.Interneurons)
            Console.WriteLine($"  {i.Key}: {i.Samples} samples of {i.Height}x{i.Width}; {i.Cells} cells ({string.Join(", ", i.CellTypes)})");
        foreach (string note in info.Notes) Console.WriteLine($"  note: {note}");
        Console.WriteLine("Datasets:");
        foreach (var e in info.Entries.Where(e => e.Kind == "dataset"))
            Console.WriteLine($"  {e.Path,-40} [{string.Join(", ", e.Shape!)}] {e.Type} {e.Layout}{(e.Chunks is null ? "" : $" [{string.Join(", ", e.Chunks)}]")}");
        return ExitCodes.Ok;
    }
}
