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
        Console.Write(info.Describe());
        return ExitCodes.Ok;
    }
}
