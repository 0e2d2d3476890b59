using System.Text.Json.Nodes;
using Workbench.Cli.Commands;
using Workbench.Cli.Tests.Support;
using Workbench.TestSupport;
using Workbench.Training;

namespace Workbench.Cli.Tests.Notebooks;

/// <summary>
/// The Figure 1 notebook and the quickstart when the BN-CNN's fit diverges (a NaN planted at epoch 1, batch 1 through
/// <see cref="NaNInjection.Variable"/>): they stop at the fitting cell with the epoch and batch in that cell, run no later
/// cell, never say "succeeded", and exit 1; and a second run never picks up the first one's run directories.
/// </summary>
public class Figure1DivergenceTests(MicroRetina data) : IClassFixture<MicroRetina>, IDisposable
{
    private const string FitCell = "var cnn = Fit(ModelKind.BnCnn";

    private static readonly Dictionary<string, string?> Injected = new() { [NaNInjection.Variable] = "1:1" };

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Notebook => RepositoryPaths.Of(QuickstartCommand.Notebook);

    private static string Name => Path.GetFileNameWithoutExtension(QuickstartCommand.Notebook);

    private static string Source(JsonNode cell) => cell["source"] is JsonArray lines ? string.Concat(lines.Select(l => l!.GetValue<string>())) : cell["source"]!.GetValue<string>();

    /// <summary>Checks the executed notebook and report of a run that failed in the BN-CNN's cell; returns that cell's error text.</summary>
    private static string AssertStoppedAtTheFitCell(string output)
    {
        var executed = JsonNode.Parse(File.ReadAllText(Path.Combine(output, Name + ".ipynb")))!;
        var cells = executed["cells"]!.AsArray().Where(c => c!["cell_type"]!.GetValue<string>() == "code").ToList();
        int fit = cells.FindIndex(c => Source(c!).Contains(FitCell));
        Assert.True(fit > 0, "the BN-CNN fitting cell is missing from the executed notebook");
        var errors = cells[fit]!["outputs"]!.AsArray().Where(o => o!["output_type"]!.GetValue<string>() == "error").ToList();
        Assert.Single(errors);
        Assert.All(cells.Take(fit), c => Assert.NotNull(c!["execution_count"]?.GetValue<int?>()));
        Assert.All(cells.Skip(fit + 1), c =>
        {
            Assert.Null(c!["execution_count"]?.GetValue<int?>());
            Assert.Empty(c["outputs"]!.AsArray());
        });
        var run = executed["metadata"]!["workbench"]!;
        Assert.Equal("failed", run["status"]!.GetValue<string>());
        int failedCell = run["failed_cell"]!.GetValue<int>();
        // The failed cell's number is its position in the committed notebook.
        var committed = JsonNode.Parse(File.ReadAllText(Notebook))!["cells"]!.AsArray();
        Assert.Contains(FitCell, Source(committed[failedCell - 1]!));
        string html = File.ReadAllText(Path.Combine(output, Name + ".html"));
        Assert.Contains($"failed at cell {failedCell}", html);
        Assert.DoesNotContain(">succeeded<", html);
        var error = errors[0]!;
        return $"{error["ename"]!.GetValue<string>()}: {error["evalue"]!.GetValue<string>()}";
    }

    [Fact]
    public void Figure1_WhoseCnnDiverges_StopsAtThatCell_WithTheEpochAndBatch_AndExitsOne_AndARerunNeverReusesItsRuns()
    {
        string output = _dir.File("out"), runs = _dir.File("runs");
        string[] args = ["notebook", "run", Notebook, "--quick", "--out", output, "--param", $"dataPath={data.NaturalScenes}", "--param", $"runsDir={runs}"];

        var r = WorkbenchProcess.RunWith(Injected, RepositoryPaths.Root, args);

        Assert.True(r.ExitCode == ExitCodes.Failed, $"exit {r.ExitCode}\n{r.StandardError}");
        string error = AssertStoppedAtTheFitCell(output);
        Assert.StartsWith($"{nameof(TrainingDivergedException)}: Training diverged in epoch 1, batch 1: the loss became NaN", error);
        Assert.Contains("there is no model", error);
        Assert.Contains("Training diverged in epoch 1, batch 1", r.StandardError);
        Assert.Equal("Diverged", JsonNode.Parse(File.ReadAllText(Path.Combine(runs, "bncnn", "result.json")))!["status"]!.GetValue<string>());

        // Again into the same run folders, without the fault: the diverged run is refused, not continued or overwritten.
        var rerun = WorkbenchProcess.Run(RepositoryPaths.Root, args);

        Assert.True(rerun.ExitCode == ExitCodes.Failed, $"exit {rerun.ExitCode}\n{rerun.StandardError}");
        string refused = AssertStoppedAtTheFitCell(output);
        Assert.StartsWith(nameof(RunDirectoryException), refused);
        Assert.Contains("already holds a training run (Diverged", refused);
    }

    [Fact]
    public void Quickstart_WhoseCnnDiverges_ExitsOne_AndItsReportSaysWhereItFailed()
    {
        var r = WorkbenchProcess.RunWith(Injected, RepositoryPaths.Root, "quickstart", "--quick", "--out", _dir.Path);

        Assert.True(r.ExitCode == ExitCodes.Failed, $"exit {r.ExitCode}\n{r.StandardError}");
        Assert.Contains("Quickstart failed; the partial report is", r.StandardOutput);
        Assert.DoesNotContain("Quickstart report:", r.StandardOutput);
        Assert.StartsWith($"{nameof(TrainingDivergedException)}: Training diverged in epoch 1, batch 1", AssertStoppedAtTheFitCell(_dir.Path));
    }
}
