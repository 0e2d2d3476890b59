namespace Workbench.Cli.Notebooks;

/// <summary>Where a run's two outputs went.</summary>
/// <param name="Run">The run.</param>
/// <param name="ExecutedNotebook">The executed .ipynb.</param>
/// <param name="Report">The standalone HTML report.</param>
public sealed record NotebookJobResult(NotebookRun Run, string ExecutedNotebook, string Report);

/// <summary>Runs one notebook into an output folder, reporting each cell on a progress writer (stderr in the CLI).</summary>
public static class NotebookJob
{
    /// <summary>Runs <paramref name="notebookPath"/> and writes <c>&lt;name&gt;.ipynb</c> and <c>&lt;name&gt;.html</c> to <paramref name="outputFolder"/>.</summary>
    /// <exception cref="NotebookInputException">The notebook, the output folder or a parameter is unusable.</exception>
    public static NotebookJobResult Run(string notebookPath, string outputFolder, IReadOnlyDictionary<string, string> parameters, TextWriter progress)
    {
        var notebook = NotebookDocument.Load(notebookPath);
        string folder = Path.GetFullPath(outputFolder);
        string executed = Path.Combine(folder, notebook.Name + ".ipynb");
        string report = Path.Combine(folder, notebook.Name + ".html");
        if (string.Equals(executed, notebook.Path, StringComparison.Ordinal))
            throw new NotebookInputException($"--out {outputFolder}: the executed notebook would overwrite the source {notebook.Path}; choose another folder.");
        if (File.Exists(folder))
            throw new NotebookInputException($"--out {outputFolder}: is a file, not a folder.");

        int codeCells = notebook.Cells.Count(c => c.Kind == CellKind.Code) + (parameters.Count > 0 ? 1 : 0);
        progress.WriteLine($"Running {Relative(notebook.Path)} ({codeCells} code cells){(parameters.Count > 0 ? " with " + string.Join(", ", parameters.Select(p => $"{p.Key}={p.Value}")) : "")}");
        var run = NotebookRunner.Run(notebook, new NotebookRunOptions { Parameters = parameters, Progress = p => Report(progress, p) });

        Directory.CreateDirectory(folder);
        ExecutedNotebookWriter.Write(run, executed);
        HtmlReportWriter.Write(run, report);
        progress.WriteLine(run.Succeeded
            ? $"Done in {run.Duration.TotalSeconds:F1} s."
            : $"Cell {run.FailedCell!.Cell.Number} failed after {run.Duration.TotalSeconds:F1} s: {Describe(run.FailedCell)}");
        progress.WriteLine($"  executed notebook: {Relative(executed)}");
        progress.WriteLine($"  HTML report:       {Relative(report)}");
        return new NotebookJobResult(run, executed, report);
    }

    private static void Report(TextWriter progress, CellProgress p)
    {
        string label = p.Cell.Tags.Contains(NotebookParameters.InjectedTag) ? "parameters" : $"cell {p.Cell.Number}";
        if (p.Status is null)
        {
            string line = p.Cell.FirstLine;
            progress.Write($"  [{p.Position}/{p.Count}] {label,-8} {(line.Length > 48 ? line[..45] + "..." : line),-48} ");
        }
        else
        {
            progress.WriteLine($"{p.Elapsed.TotalSeconds,6:F2} s  {(p.Status == CellStatus.Succeeded ? "ok" : "FAILED")}");
        }
        progress.Flush();
    }

    private static string Describe(CellRun cell) =>
        cell.Outputs.OfType<ErrorOutput>().LastOrDefault() is { } e ? $"{e.Name}: {e.Value}" : "unknown error";

    private static string Relative(string path)
    {
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }
}
