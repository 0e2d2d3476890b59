using System.Text.Json.Nodes;
using Workbench.Cli.Commands;
using Workbench.Cli.Tests.Support;
using Workbench.TestSupport;
using Workbench.Training;

namespace Workbench.Cli.Tests.Commands;

/// <summary>
/// train and evaluate when a fit diverges, as users run them: a NaN planted at a known epoch and batch through
/// <see cref="NaNInjection.Variable"/> must come back as exit 1 naming exactly that place, a run directory that says
/// Diverged, and refusals (exit 2, nothing changed) to resume, overwrite or evaluate it.
/// </summary>
public class DivergenceCommandsTests(MicroRetina data) : IClassFixture<MicroRetina>, IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Dictionary<string, string?> Inject(int epoch, int batch) => new() { [NaNInjection.Variable] = $"{epoch}:{batch}" };

    private string[] Train(string run, int epochs = 3, params string[] extra) =>
        ["train", "--data", data.NaturalScenes, "--model", "ln", "--epochs", $"{epochs}", "--batches-per-epoch", "6", "--batch", "64", "--lr", "0.01",
         "--threads", "2", "--out", run, .. extra];

    private static JsonNode Result(string run) => JsonNode.Parse(File.ReadAllText(Path.Combine(run, "result.json")))!;

    [Fact]
    public void AFitDivergingBeforeAnyGoodEpoch_ExitsOne_NamingEpochAndBatch_AndTheRunIsNeverResumedOrEvaluated()
    {
        string run = _dir.File("run");

        var train = WorkbenchProcess.RunWith(Inject(1, 2), _dir.Path, Train(run));

        Assert.True(train.ExitCode == ExitCodes.Failed, train.StandardOutput + train.StandardError);
        Assert.Contains("error: Training diverged in epoch 1, batch 2: the loss became NaN", train.StandardError);
        Assert.Contains("there is no model", train.StandardError);
        Assert.DoesNotContain("Checkpoint:", train.StandardOutput);
        var result = Result(run);
        Assert.Equal("Diverged", result["status"]!.GetValue<string>());
        Assert.Equal(1, result["divergence"]!["epoch"]!.GetValue<int>());
        Assert.Equal(2, result["divergence"]!["batch"]!.GetValue<int>());
        Assert.False(result["hasModel"]!.GetValue<bool>());
        Assert.False(File.Exists(Path.Combine(run, "best.weights")));
        string before = File.ReadAllText(Path.Combine(run, "result.json"));

        var resume = WorkbenchProcess.Run(_dir.Path, Train(run, extra: "--resume"));
        var again = WorkbenchProcess.Run(_dir.Path, Train(run));
        var evaluate = WorkbenchProcess.Run(_dir.Path, "evaluate", run);

        Assert.True(resume.ExitCode == ExitCodes.BadInput, resume.StandardError);
        Assert.Contains("ended by divergence in epoch 1, batch 2", resume.StandardError);
        Assert.Contains("not resumed", resume.StandardError);
        Assert.DoesNotContain("Reading", resume.StandardError); // refused before any work
        Assert.True(again.ExitCode == ExitCodes.BadInput, again.StandardError);
        Assert.Contains("already holds a training run (Diverged", again.StandardError);
        Assert.True(evaluate.ExitCode == ExitCodes.BadInput, evaluate.StandardError);
        Assert.Contains("not evaluated", evaluate.StandardError);
        Assert.Equal(before, File.ReadAllText(Path.Combine(run, "result.json")));
    }

    [Fact]
    public void AFitDivergingAfterAGoodEpoch_ExitsOne_KeepsThatEpoch_ButEvaluateRefusesTheRun()
    {
        string run = _dir.File("run");

        var train = WorkbenchProcess.RunWith(Inject(2, 3), _dir.Path, Train(run));
        var evaluate = WorkbenchProcess.Run(_dir.Path, "evaluate", run);
        var evaluateWeights = WorkbenchProcess.Run(_dir.Path, "evaluate", Path.Combine(run, "best.weights"));

        Assert.True(train.ExitCode == ExitCodes.Failed, train.StandardOutput + train.StandardError);
        Assert.Contains("error: training diverged in epoch 2, batch 3", train.StandardError);
        Assert.Contains("the model holds the weights of epoch 1", train.StandardError);
        var result = Result(run);
        Assert.Equal("Diverged", result["status"]!.GetValue<string>());
        Assert.True(result["hasModel"]!.GetValue<bool>());
        Assert.True(result["bestValidationCorrelation"]!.GetValue<double>() > result["initialValidationCorrelation"]!.GetValue<double>());
        Assert.True(File.Exists(Path.Combine(run, "best.weights")));
        foreach (var e in new[] { evaluate, evaluateWeights })
        {
            Assert.True(e.ExitCode == ExitCodes.BadInput, e.StandardOutput + e.StandardError);
            Assert.Contains("ended by divergence in epoch 2, batch 3", e.StandardError);
            Assert.Contains("best.weights hold epoch 1", e.StandardError);
        }
    }

    [Fact]
    public void ANewRunIntoAFolderHoldingACompletedRun_IsRefused_AndResumeContinuesIt()
    {
        string run = _dir.File("run");
        Assert.Equal(ExitCodes.Ok, WorkbenchProcess.Run(_dir.Path, Train(run, epochs: 1)).ExitCode);
        string history = File.ReadAllText(Path.Combine(run, "history.csv"));

        var again = WorkbenchProcess.Run(_dir.Path, Train(run, epochs: 1));
        string afterRefusal = File.ReadAllText(Path.Combine(run, "history.csv"));
        var resume = WorkbenchProcess.Run(_dir.Path, Train(run, epochs: 2, "--resume"));

        Assert.True(again.ExitCode == ExitCodes.BadInput, again.StandardError);
        Assert.Contains("already holds a training run (Completed", again.StandardError);
        Assert.Equal(history, afterRefusal);
        Assert.True(resume.ExitCode == ExitCodes.Ok, resume.StandardError);
        Assert.Equal(2, Result(run)["history"]!.AsArray().Count);
        Assert.StartsWith(history, File.ReadAllText(Path.Combine(run, "history.csv"))); // continued, epoch 1 unchanged
    }
}
