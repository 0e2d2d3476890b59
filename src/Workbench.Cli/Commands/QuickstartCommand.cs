using Workbench.Cli.CommandLine;
using Workbench.Cli.Notebooks;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench quickstart</c>: the main job. For now it runs the tour notebook into artifacts/ and says where the report is.</summary>
public sealed class QuickstartCommand : ICommand
{
    /// <summary>The notebook the quickstart runs, relative to the clone.</summary>
    public const string TourNotebook = "notebooks/00-tour.ipynb";

    /// <inheritdoc/>
    public string Name => "quickstart";

    /// <inheritdoc/>
    public string Summary => "Run the tour notebook into artifacts/ and print where the HTML report is.";

    /// <inheritdoc/>
    public string Help => """
        Usage: workbench quickstart [--out DIR] [--quick]

        Runs notebooks/00-tour.ipynb (device and versions, a small tensor computation, an interactive chart) and writes
        the executed notebook and a standalone HTML report to DIR (default: artifacts/ in the clone).

          --out DIR   output folder
          --quick     the tour's quick settings
        """;

    /// <inheritdoc/>
    public int Run(IReadOnlyList<string> args)
    {
        var a = new Arguments(args, Name, ["quick"], ["out"]);
        if (a.Positionals.Count > 0) throw new UsageException($"workbench {Name}: unexpected argument '{a.Positionals[0]}'.");
        string root = Repository.Root();
        string output = a.Option("out") ?? Path.Combine(root, "artifacts");
        var result = NotebookJob.Run(Path.Combine(root, TourNotebook), output, NotebookParameters.ParseOverrides([], a.Flag("quick")), Console.Error);
        Console.WriteLine(result.Run.Succeeded
            ? $"Quickstart report: {result.Report}\nOpen it in a browser: file://{result.Report}"
            : $"Quickstart failed; the partial report is {result.Report}");
        return result.Run.Succeeded ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
