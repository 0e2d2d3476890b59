using System.Text.Json.Nodes;
using TorchSharp;
using Workbench.Cli.Tests.Support;
using Workbench.Data.DeepRetina;
using Workbench.Runtime;
using Workbench.TestSupport;

namespace Workbench.Cli.Tests.Commands;

/// <summary><c>workbench evaluate CHECKPOINT.pt</c>: a model trained in PyTorch (the fixtures of
/// tests/Workbench.Tests/Models/Fixtures, written by PyTorch 1.13) scored on a recording of its size.</summary>
public class EvaluatePyTorchCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>An 18x16 recording with 5 cells (the checkpoint's cells are 0, 2 and 4) and 3 test repeats.</summary>
    private string Recording()
    {
        TorchRuntime.Initialize(new RuntimeOptions { Device = "cpu", Threads = 2 });
        var g = new torch.Generator(3);
        DeepRetinaSplit Split(long t, bool repeats) => new(torch.randint(0, 256, [t, 18, 16], torch.uint8, generator: g),
            new Dictionary<int, torch.Tensor> { [10] = torch.rand([5, t], torch.float64, generator: g) * 20 },
            RepeatRates: repeats ? new Dictionary<int, torch.Tensor> { [10] = torch.rand([3, 5, t], torch.float64, generator: g) * 20 } : null);
        string path = _dir.File("recording.h5");
        DeepRetinaWriter.Write(path, new DeepRetinaContent(Split(300, false), Split(120, true)));
        return path;
    }

    [Fact]
    public void Evaluate_ScoresATorchDeepRetinaCheckpoint_OnTheCellsItWasTrainedOn()
    {
        using var fixtures = new FixtureFolder("tests", "Workbench.Tests", "Models", "Fixtures");
        string data = Recording();

        var evaluate = WorkbenchProcess.Run(_dir.Path, "evaluate", fixtures.File("tdr_stacked.pt"), "--data", data, "--json", _dir.File("eval.json"));

        Assert.True(evaluate.ExitCode == 0, evaluate.StandardOutput + evaluate.StandardError);
        Assert.Contains("Stacked", evaluate.StandardOutput);
        var cells = JsonNode.Parse(File.ReadAllText(_dir.File("eval.json")))!["cells"]!.AsArray();
        Assert.Equal([0, 2, 4], cells.Select(c => c!["index"]!.GetValue<int>()));
        Assert.All(cells, c => Assert.True(double.IsFinite(c!["correlation"]!.GetValue<double>())));
    }

    [Fact]
    public void Evaluate_OfAPyTorchCheckpoint_WithoutData_AsksForIt()
    {
        using var fixtures = new FixtureFolder("tests", "Workbench.Tests", "Models", "Fixtures");

        var evaluate = WorkbenchProcess.Run(_dir.Path, "evaluate", fixtures.File("bncnn_state_dict.pt"));

        Assert.Equal(2, evaluate.ExitCode);
        Assert.Contains("pass --data FILE", evaluate.StandardError);
    }
}
