namespace Workbench.Cli.Notebooks;

/// <summary>What happened to a cell.</summary>
public enum CellStatus
{
    /// <summary>Markdown or raw: nothing to run.</summary>
    NotCode,
    /// <summary>Ran to completion.</summary>
    Succeeded,
    /// <summary>Failed to compile or threw; the run stopped here.</summary>
    Failed,
    /// <summary>Not run because an earlier cell failed.</summary>
    Skipped,
}

/// <summary>One cell after the run.</summary>
/// <param name="Cell">The cell as read.</param>
/// <param name="Status">Whether it ran.</param>
/// <param name="ExecutionCount">Its <c>In [n]</c> number when it ran.</param>
/// <param name="Duration">Wall time spent on it.</param>
/// <param name="Outputs">What it produced, in order.</param>
/// <param name="Injected">True for the cell the runner added to apply <c>--param</c> overrides.</param>
public sealed record CellRun(NotebookCell Cell, CellStatus Status, int? ExecutionCount, TimeSpan Duration, IReadOnlyList<CellOutput> Outputs, bool Injected = false);

/// <summary>The result of running a notebook: every cell with its outputs, in order.</summary>
/// <param name="Notebook">The notebook as read.</param>
/// <param name="Cells">Cells in order, including an injected-parameters cell when overrides were given.</param>
/// <param name="Parameters">The overrides applied (name to value as given).</param>
/// <param name="Started">When the run began.</param>
/// <param name="Duration">Wall time of the whole run.</param>
public sealed record NotebookRun(
    NotebookDocument Notebook,
    IReadOnlyList<CellRun> Cells,
    IReadOnlyDictionary<string, string> Parameters,
    DateTimeOffset Started,
    TimeSpan Duration)
{
    /// <summary>True when no cell failed.</summary>
    public bool Succeeded => Cells.All(c => c.Status != CellStatus.Failed);

    /// <summary>The cell that failed, if any.</summary>
    public CellRun? FailedCell => Cells.FirstOrDefault(c => c.Status == CellStatus.Failed);
}
