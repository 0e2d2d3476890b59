using Workbench.Cli.CommandLine;
using Workbench.Cli.Notebooks;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench notebook run</c>: executes a notebook headless and writes the executed notebook and an HTML report.</summary>
public sealed class NotebookRunCommand : ICommand
{
    /// <inheritdoc/>
    public string Name => "notebook run";

    /// <inheritdoc/>
    public string Summary => "Execute a C# notebook headless; write the executed .ipynb and an HTML report.";

    /// <inheritdoc/>
    public string Help => """
        Usage: workbench notebook run <notebook.ipynb> [--out DIR] [--quick] [--param name=value]...

        Executes the notebook's C# cells in order in one shared state and writes DIR/<name>.ipynb (nbformat 4.5, with
        outputs) and DIR/<name>.html (a standalone report that opens offline). Progress goes to stderr.

          --out DIR             output folder (default: ./artifacts)
          --quick               set the parameter quick=true (small, fast settings; what CI uses)
          --param name=value    override a variable of the cell tagged 'parameters' (repeatable)

        Exit codes: 0 all cells ran; 1 a cell failed (its error is in both outputs, later cells were not run);
        2 bad input (missing file, malformed notebook, not C#, unknown package or parameter).
        """;

    /// <inheritdoc/>
    public int Run(IReadOnlyList<string> args)
    {
        var a = new Arguments(args, Name, ["quick"], ["out", "param"]);
        if (a.Positionals.Count != 1)
            throw new UsageException($"workbench {Name}: expected one notebook path, got {a.Positionals.Count}.");
        var parameters = NotebookParameters.ParseOverrides(a.All("param"), a.Flag("quick"));
        var result = NotebookJob.Run(a.Positionals[0], a.Option("out", "artifacts")!, parameters, Console.Error);
        return result.Run.Succeeded ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
