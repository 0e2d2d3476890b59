using Workbench.Cli.CommandLine;
using Workbench.Cli.Notebooks;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench quickstart</c>: the main job, end to end. Runs the Figure 1 notebook on the tiny synthetic retina
/// (simulate, train BN-CNN, LN and GLM, evaluate against the ceiling) and writes its HTML report.
/// </summary>
public sealed class QuickstartCommand : ICommand
{
    /// <summary>The notebook the quickstart runs, relative to the clone.</summary>
    public const string Notebook = "notebooks/02-figure1-model-comparison.ipynb";

    /// <summary>Epochs per model: enough for the CNN to pull ahead of LN and GLM on the tiny retina in a few minutes.</summary>
    public const int Epochs = 8;

    /// <inheritdoc/>
    public string Name => "quickstart";

    /// <inheritdoc/>
    public string Summary => "The main job: simulate the tiny retina, fit BN-CNN, LN and GLM, compare them (Figure 1) in an HTML report.";

    /// <inheritdoc/>
    public string Help => $"""
        Usage: workbench quickstart [--out DIR] [--seed S] [--device D] [--quick]

        Runs {Notebook} on the tiny synthetic retina: simulates it (32x32 checkers, 4 cells, 4 min of natural scenes),
        trains a BN-CNN, an LN model and a GLM ({Epochs} epochs at most, early stopping), scores them on the repeated test
        movie against the retina's reliability ceiling, and writes the executed notebook and a standalone HTML report
        (PSTHs, per-cell correlations against the ceiling and the paper's values, learning curves, learned filters) to
        DIR (default: artifacts/ in the clone). About 4 minutes on 2 CPU cores.

          --out DIR    output folder
          --seed S     seed of the simulation and the training (default 1)
          --device D   auto | cpu | cuda | cuda:N (default auto)
          --quick      2 short epochs per model (a smoke test, under 2 minutes)
        """;

    /// <inheritdoc/>
    public int Run(IReadOnlyList<string> args)
    {
        var a = new Arguments(args, Name, ["quick"], ["out", "seed", "device"]);
        if (a.Positionals.Count > 0) throw new UsageException($"workbench {Name}: unexpected argument '{a.Positionals[0]}'.");
        string root = Repository.Root();
        string output = a.Option("out") ?? Path.Combine(root, "artifacts");
        bool quick = a.Flag("quick");
        var settings = new List<string> { "preset=tiny" };
        if (!quick) settings.Add($"epochs={Epochs}");
        if (a.Int("seed") is { } seed) settings.Add($"seed={seed}");
        if (a.Option("device") is { } device) settings.Add($"device={device}");
        var result = NotebookJob.Run(Path.Combine(root, Notebook), output, NotebookParameters.ParseOverrides(settings, quick), Console.Error);
        Console.WriteLine(result.Run.Succeeded
            ? $"Quickstart report: {result.Report}\nOpen it in a browser: file://{result.Report}"
            : $"Quickstart failed; the partial report is {result.Report}");
        return result.Run.Succeeded ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
