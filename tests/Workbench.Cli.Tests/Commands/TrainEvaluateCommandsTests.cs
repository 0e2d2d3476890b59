using System.Text.Json.Nodes;
using Workbench.Cli.Commands;
using Workbench.Cli.Tests.Support;
using Workbench.TestSupport;

namespace Workbench.Cli.Tests.Commands;

/// <summary>train and evaluate as users run them: on the tiny synthetic retina, and on a committed recording scored against numpy.</summary>
public class TrainEvaluateCommandsTests : IDisposable
{
    /// <summary>Our jackknife oracle and numpy's agree to float32 rounding of the stored rates.</summary>
    private const double OracleTolerance = 1e-4;

    /// <summary>A quick LN on the tiny retina's stimulus-driven cells already tracks them; an untrained model scores about 0.</summary>
    private const double MinimumValidationCorrelation = 0.2;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Train_WritesARunDirectory_AndEvaluateScoresIt()
    {
        string data = _dir.File("tiny");
        string run = _dir.File("run");
        Assert.Equal(0, WorkbenchProcess.Run(_dir.Path, "simulate", "--preset", "tiny", "--seed", "4", "--out", data).ExitCode);
        string file = Path.Combine(data, "naturalscene.h5");

        var train = WorkbenchProcess.Run(_dir.Path, "train", "--data", file, "--model", "ln", "--cells", "0,2,3", "--quick", "--seed", "1",
            "--threads", "2", "--out", run);
        var evaluate = WorkbenchProcess.Run(_dir.Path, "evaluate", run, "--json", _dir.File("eval.json"));

        Assert.True(train.ExitCode == 0, train.StandardOutput + train.StandardError);
        Assert.Contains("epoch 2/2 done", train.StandardError);
        foreach (string name in new[] { "config.json", "history.csv", "history.json", "best.weights", "best.weights.json", "result.json" })
            Assert.True(File.Exists(Path.Combine(run, name)), $"{name} missing from the run directory");
        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "result.json")))!;
        Assert.True(result["bestValidationCorrelation"]!.GetValue<double>() > MinimumValidationCorrelation, result.ToJsonString());

        Assert.True(evaluate.ExitCode == 0, evaluate.StandardOutput + evaluate.StandardError);
        Assert.Matches(@"mean\s+-?\d\.\d{3}", evaluate.StandardOutput);
        var json = JsonNode.Parse(File.ReadAllText(_dir.File("eval.json")))!;
        var cells = json["cells"]!.AsArray();
        Assert.Equal([0, 2, 3], cells.Select(c => c!["index"]!.GetValue<int>()));
        Assert.Equal(cells.Average(c => c!["correlation"]!.GetValue<double>()), json["meanCorrelation"]!.GetValue<double>(), 1e-12);
    }

    /// <summary>
    /// Oracle: numpy's jackknife oracle of the test repeats of a fixed recording written by h5py (both committed in
    /// Fixtures/, made by Fixtures/make_evaluation_fixture.py), aligned to the 40-frame history, for the selected cells.
    /// </summary>
    [Fact]
    public void Evaluate_ReportsTheJackknifeOracle_NumpyComputes_ForTheSelectedCells()
    {
        using var fixtures = new FixtureFolder("tests", "Workbench.Cli.Tests", "Commands", "Fixtures");
        var numpy = JsonNode.Parse(File.ReadAllText(fixtures.File("numpy-oracle.json")))!;
        double[] oracle = numpy["oracle"]!.AsArray().Select(o => o!.GetValue<double>()).ToArray();
        int[] selected = [0, 2, 3];
        string run = _dir.File("run");

        var train = WorkbenchProcess.Run(_dir.Path, "train", "--data", fixtures.File("recording.h5"), "--model", "ln", "--cells", "0,2,3",
            "--quick", "--seed", "1", "--threads", "2", "--out", run);
        var evaluate = WorkbenchProcess.Run(_dir.Path, "evaluate", run, "--json", _dir.File("eval.json"));

        Assert.True(train.ExitCode == 0, train.StandardOutput + train.StandardError);
        Assert.True(evaluate.ExitCode == 0, evaluate.StandardOutput + evaluate.StandardError);
        Assert.Equal(40, numpy["history"]!.GetValue<int>());
        var cells = JsonNode.Parse(File.ReadAllText(_dir.File("eval.json")))!["cells"]!.AsArray();
        Assert.Equal(selected, cells.Select(c => c!["index"]!.GetValue<int>()));
        for (int i = 0; i < selected.Length; i++)
            Assert.Equal(oracle[selected[i]], cells[i]!["oracle"]!.GetValue<double>(), OracleTolerance);
    }

    [Fact]
    public void Train_WithAGaussianReadout_CheckpointsIt_ResumesWithIt_AndEvaluates()
    {
        string data = _dir.File("tiny");
        string run = _dir.File("run");
        Assert.Equal(0, WorkbenchProcess.Run(_dir.Path, "simulate", "--preset", "tiny", "--seed", "4", "--out", data).ExitCode);
        string file = Path.Combine(data, "naturalscene.h5");

        // Resumed without the readout options: the run's own readout, not the default dense one.
        var spec = TrainResumeAndEvaluate(file, run, "--readout", "gaussian", "--gaussian", "full");
        Assert.Equal("Gaussian", spec["readout"]!.GetValue<string>());
        Assert.Equal("Full", spec["gaussianShape"]!.GetValue<string>());
    }

    /// <summary>
    /// Trains a quick core-readout run with <paramref name="options"/>, resumes it to epoch 3 without them (so it must keep
    /// the run's own architecture: another one would not fit its weights) and evaluates it; returns the checkpoint's spec.
    /// </summary>
    private JsonNode TrainResumeAndEvaluate(string file, string run, params string[] options)
    {
        var train = WorkbenchProcess.Run(_dir.Path, ["train", "--data", file, "--model", "core-readout", .. options, "--quick", "--seed", "1", "--threads", "2", "--out", run]);
        Assert.True(train.ExitCode == 0, train.StandardOutput + train.StandardError);
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "best.weights.json")))!["spec"]!;
        var resumed = WorkbenchProcess.Run(_dir.Path, "train", "--data", file, "--model", "core-readout", "--epochs", "3", "--batches-per-epoch", "10",
            "--seed", "1", "--threads", "2", "--out", run, "--resume");
        Assert.True(resumed.ExitCode == 0, resumed.StandardOutput + resumed.StandardError);
        Assert.Contains("epoch 3/3 done", resumed.StandardError);
        var evaluate = WorkbenchProcess.Run(_dir.Path, "evaluate", run);
        Assert.True(evaluate.ExitCode == 0, evaluate.StandardOutput + evaluate.StandardError);
        Assert.Matches(@"mean\s+-?\d\.\d{3}", evaluate.StandardOutput);
        return spec;
    }

    [Fact]
    public void Train_WithOpenretinasCore_RecordsIt_ResumesWithIt_AndEvaluates()
    {
        string data = _dir.File("tiny");
        string run = _dir.File("run");
        Assert.Equal(0, WorkbenchProcess.Run(_dir.Path, "simulate", "--preset", "tiny", "--seed", "4", "--out", data).ExitCode);
        string file = Path.Combine(data, "naturalscene.h5");

        // Resumed without core options: the run's own core (the default one would not fit its weights).
        var spec = TrainResumeAndEvaluate(file, run, "--readout", "gaussian", "--architecture", "openretina", "--channels", "8,12");
        Assert.Equal([8, 12], spec["channels"]!.AsArray().Select(c => c!.GetValue<int>()));
        Assert.Equal([0, 2], spec["padding"]!.AsArray().Select(c => c!.GetValue<int>()));
        Assert.Equal("Elu", spec["nonlinearity"]!.GetValue<string>());
        Assert.Equal("PerChannel", spec["batchNorm"]!.GetValue<string>());
    }

    [Fact]
    public void Transfer_FitsANewReadoutOnAnotherRetina_AndEvaluates()
    {
        string a = _dir.File("a"), b = _dir.File("b"), core = _dir.File("core"), moved = _dir.File("moved");
        Assert.Equal(0, WorkbenchProcess.Run(_dir.Path, "simulate", "--preset", "tiny", "--seed", "4", "--out", a).ExitCode);
        Assert.Equal(0, WorkbenchProcess.Run(_dir.Path, "simulate", "--preset", "tiny", "--seed", "5", "--out", b).ExitCode);
        var train = WorkbenchProcess.Run(_dir.Path, "train", "--data", Path.Combine(a, "naturalscene.h5"), "--model", "bncnn", "--quick", "--threads", "2", "--out", core);
        Assert.True(train.ExitCode == 0, train.StandardOutput + train.StandardError);

        var transfer = WorkbenchProcess.Run(_dir.Path, "transfer", "--core", core, "--data", Path.Combine(b, "naturalscene.h5"), "--minutes", "1",
            "--quick", "--threads", "2", "--out", moved);
        Assert.True(transfer.ExitCode == 0, transfer.StandardOutput + transfer.StandardError);
        Assert.Contains("first 6000 of", transfer.StandardError);        // one minute of 10-ms frames
        Assert.Contains("epoch 2/2 done", transfer.StandardError);
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(moved, "best.weights.json")))!["spec"]!;
        Assert.Equal("Gaussian", spec["readout"]!.GetValue<string>());
        var evaluate = WorkbenchProcess.Run(_dir.Path, "evaluate", moved);
        Assert.True(evaluate.ExitCode == 0, evaluate.StandardOutput + evaluate.StandardError);

        var notACnn = WorkbenchProcess.Run(_dir.Path, "train", "--data", Path.Combine(a, "naturalscene.h5"), "--model", "ln", "--quick", "--out", _dir.File("ln"));
        Assert.Equal(0, notACnn.ExitCode);
        var refused = WorkbenchProcess.Run(_dir.Path, "transfer", "--core", _dir.File("ln"), "--data", Path.Combine(b, "naturalscene.h5"), "--out", _dir.File("x"));
        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
        Assert.Contains("holds a Ln model", refused.StandardError);
    }

    [Fact]
    public void Train_OneCoreOnTwoRetinas_EvaluatesEachRecording_AndTransfersItsCore()
    {
        string a = _dir.File("a"), b = _dir.File("b"), c = _dir.File("c"), shared = _dir.File("shared"), moved = _dir.File("moved");
        Assert.Equal(0, WorkbenchProcess.Run(_dir.Path, "simulate", "--preset", "tiny", "--seed", "4", "--out", a).ExitCode);
        Assert.Equal(0, WorkbenchProcess.Run(_dir.Path, "simulate", "--preset", "tiny", "--seed", "5", "--out", b).ExitCode);
        string fileA = Path.Combine(a, "naturalscene.h5"), fileB = Path.Combine(b, "naturalscene.h5");

        var train = WorkbenchProcess.Run(_dir.Path, "train", "--data", fileA, "--data", fileB, "--model", "core-readout", "--quick", "--threads", "2", "--out", shared);
        Assert.True(train.ExitCode == 0, train.StandardOutput + train.StandardError);
        Assert.Contains("Training one BnCnn core on 2 recordings (naturalscene: 4 cells", train.StandardError);
        var sidecar = JsonNode.Parse(File.ReadAllText(Path.Combine(shared, "best.weights.json")))!;
        // Both files are called naturalscene.h5: the second readout's key gets a suffix.
        Assert.Equal(["naturalscene", "naturalscene-2"], sidecar["recordings"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
        Assert.Equal([fileA, fileB], sidecar["recordings"]!.AsArray().Select(r => Path.GetFullPath(r!["data"]!["source"]!.GetValue<string>())));
        Assert.Equal("Gaussian", sidecar["spec"]!["readout"]!.GetValue<string>());
        Assert.Equal(8, sidecar["cells"]!.AsArray().Count);

        var evaluate = WorkbenchProcess.Run(_dir.Path, "evaluate", shared, "--json", _dir.File("eval.json"));
        Assert.True(evaluate.ExitCode == 0, evaluate.StandardOutput + evaluate.StandardError);
        Assert.Contains("readout 'naturalscene-2'", evaluate.StandardOutput);
        var json = JsonNode.Parse(File.ReadAllText(_dir.File("eval.json")))!;
        var recordings = json["recordings"]!.AsArray();
        Assert.Equal(2, recordings.Count);
        var cells = recordings.SelectMany(r => r!["cells"]!.AsArray()).Select(x => x!["correlation"]!.GetValue<double>()).ToList();
        Assert.Equal(8, cells.Count);
        Assert.Equal(cells.Average(), json["meanCorrelation"]!.GetValue<double>(), 1e-12);
        Assert.Contains(fileB, recordings[1]!["data"]!.GetValue<string>());

        var wrongCount = WorkbenchProcess.Run(_dir.Path, "evaluate", shared, "--data", fileA);
        Assert.Equal(ExitCodes.BadInput, wrongCount.ExitCode);
        Assert.Contains("give no --data or one per recording", wrongCount.StandardError);

        // The shared core moves to a third retina like any other core.
        Assert.Equal(0, WorkbenchProcess.Run(_dir.Path, "simulate", "--preset", "tiny", "--seed", "6", "--out", c).ExitCode);
        var transfer = WorkbenchProcess.Run(_dir.Path, "transfer", "--core", shared, "--data", Path.Combine(c, "naturalscene.h5"), "--quick", "--threads", "2", "--out", moved);
        Assert.True(transfer.ExitCode == 0, transfer.StandardOutput + transfer.StandardError);
    }

    [Theory]
    [InlineData("train --data x.h5 --data y.h5 --model ln --out r", "several --data files train a shared core")]
    [InlineData("train --data x.h5 --data y.h5 --model bncnn --readout dense --out r", "takes a per-cell readout")]
    [InlineData("train --data x.h5 --data y.h5 --model bncnn --cells 0 --out r", "--cells picks cells of one file")]
    [InlineData("train --data x.h5 --model ln --channels 8 --out r", "shape a convolutional core")]
    [InlineData("train --data x.h5 --model bncnn --channels 8,x --out r", "--channels 8,x: a comma-separated list of positive integers")]
    [InlineData("train --data x.h5 --model bncnn --padding 0,-1 --out r", "--padding 0,-1: a comma-separated list of integers ≥ 0")]
    [InlineData("train --data x.h5 --model bncnn --architecture resnet --out r", "--architecture resnet: use paper or openretina")]
    [InlineData("train --data x.h5 --model bncnn --nonlinearity tanh --out r", "--nonlinearity tanh: use relu or elu")]
    [InlineData("transfer --data x.h5 --out r", "--core RUN is required")]
    [InlineData("transfer --core nowhere --data x.h5 --out r", "--core nowhere: no such checkpoint")]
    [InlineData("transfer --core c --data x.h5 --out r --minutes 0", "--minutes 0: a positive number")]
    [InlineData("transfer --core c --data x.h5 --out r --readout conv", "--readout conv needs each new cell's centre")]
    [InlineData("train --data x.h5 --model ln --out r --readout gaussian", "apply to the convolutional models")]
    [InlineData("train --data x.h5 --model bncnn --out r --readout point", "--readout point: use one of")]
    [InlineData("train --data x.h5 --model bncnn --out r --readout dense --gaussian full", "--gaussian applies to --readout gaussian only")]
    [InlineData("train --data x.h5 --model bncnn --out r --readout gaussian --gaussian round", "--gaussian round: use one of")]
    [InlineData("train --data x.h5 --model bncnn --out r --readout factorized --readout-l1 -1", "--readout-l1 -1: a number ≥ 0")]
    [InlineData("train --data x.h5 --model cnn --out r", "--model cnn: use one of")]
    [InlineData("train --model ln --out r", "--data FILE is required")]
    [InlineData("train --data nothing.h5 --model ln --out r", "nothing.h5")]
    [InlineData("train --data x.h5 --model ln --out r --cells 1,a", "'a' is not a cell index")]
    [InlineData("evaluate norun", "no such checkpoint")]
    [InlineData("evaluate", "expected one run directory")]
    public void BadInput_ExitsTwo_NamingWhatIsWrong(string args, string expected)
    {
        var r = WorkbenchProcess.Run(_dir.Path, args.Split(' '));

        Assert.True(r.ExitCode == ExitCodes.BadInput, r.StandardOutput + r.StandardError);
        Assert.Contains(expected, r.StandardError);
    }
}
