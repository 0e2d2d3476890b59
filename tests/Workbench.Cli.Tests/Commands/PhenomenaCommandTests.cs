using System.Text.Json.Nodes;
using Workbench.Cli.Commands;
using Workbench.Cli.Tests.Support;
using Workbench.Models;
using Workbench.Phenomena;
using Workbench.Simulation;
using Workbench.TestSupport;
using static TorchSharp.torch;

namespace Workbench.Cli.Tests.Commands;

/// <summary>
/// <c>workbench phenomena</c> on the micro retina itself and on a BN-CNN trained on it. Oracle: PhenomenaBattery.Run called
/// here on the same model, input adapter and options; the command must report exactly its verdicts and numbers.
/// </summary>
public class PhenomenaCommandTests : IClassFixture<MicroRetina>, IDisposable
{
    /// <summary>
    /// Relative: the same float32 computations, but the command runs on its own thread, whose torch thread count can differ
    /// from this one's, and FFT convolutions round differently with the thread count (a few float32 ulps).
    /// </summary>
    private const double NumberTolerance = 1e-6;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly MicroRetina _retina;
    private readonly TempDirectory _dir = new();

    public PhenomenaCommandTests(MicroRetina retina) => _retina = retina;

    public void Dispose() => _dir.Dispose();

    private static void AssertSame(IReadOnlyList<PhenomenonResult> expected, JsonNode written, string stdout)
    {
        var results = written["results"]!.AsArray();
        Assert.Equal(expected.Count, results.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var want = expected[i];
            Assert.Equal(want.Name, results[i]!["name"]!.GetValue<string>());
            Assert.Equal(want.Verdict.ToString(), results[i]!["verdict"]!.ToString());
            foreach (var (key, value) in want.Numbers)
            {
                var node = results[i]!["numbers"]![key]!;
                double got = node.GetValueKind() == System.Text.Json.JsonValueKind.String ? double.Parse(node.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) : node.GetValue<double>();
                if (double.IsNaN(value)) Assert.True(double.IsNaN(got), $"{want.Name} {key}: {got}, expected NaN");
                else Assert.Equal(value, got, NumberTolerance * Math.Max(1, Math.Abs(value)));
            }
            Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(want.Name)}\s+{want.Verdict}", stdout);
        }
    }

    [Fact]
    public void Retina_PrintsAndWritesTheBatterysVerdicts_AndAReport()
    {
        string dir = Path.GetDirectoryName(_retina.NaturalScenes)!;
        string json = _dir.File("retina.json"), report = _dir.File("retina.html");
        // Two phenomena (--only): the retina costs ~9 ms a window, and the whole battery runs in notebook 04 and the library's tests.
        string[] only = ["step response", "latency encoding"];
        var r = InProcessCli.Run(Timeout, "phenomena", "--retina", dir, "--only", string.Join(",", only), "--quick", "--json", json, "--report", report);
        Assert.True(r.Value?.ExitCode == 0, $"{r.Error} {r.Value?.StandardOutput} {r.Value?.StandardError}");

        using var model = GroundTruthModel.Load(Path.Combine(dir, RetinaSimulation.GroundTruthFileName));
        var expected = PhenomenaBattery.Run(model, StimulusInput.Contrast, new PhenomenaOptions { Quick = true },
            PhenomenaBattery.Default.Where(p => only.Contains(p.Name)));
        AssertSame(expected, JsonNode.Parse(File.ReadAllText(json))!, r.Value!.StandardOutput);
        string html = File.ReadAllText(report);
        Assert.Equal(expected.Count, System.Text.RegularExpressions.Regex.Matches(html, Workbench.Display.ChartHtml.Marker).Count);
        Assert.Contains("window.Plotly", html);
    }

    [Fact]
    public void Run_OfASimulatedRecording_SeesStimuliThroughItsNormalisation()
    {
        string run = _retina.BnCnnRun, json = _dir.File("run.json");
        var r = InProcessCli.Run(Timeout, "phenomena", run, "--quick", "--json", json);
        Assert.True(r.Value?.ExitCode == 0, $"{r.Error} {r.Value?.StandardOutput} {r.Value?.StandardError}");

        var (model, info) = Checkpoint.Load(Path.Combine(run, "best.weights"), CPU);
        using var _ = model;
        var input = StimulusInput.ForRecording(info.Normalisation!);
        // Natural scenes by default: the run's own training file's test movie, through contrast into the run's units.
        using var experiment = Workbench.Data.DeepRetina.DeepRetinaFile.ReadExperiment(_retina.NaturalScenes);
        using var scenes = input.ToModel(StimulusEncoding.FromModelInput(experiment.Test.Stimulus, experiment.Test.Normalisation!));
        var expected = PhenomenaBattery.Run(model, input, new PhenomenaOptions { Quick = true, NaturalScenes = scenes });
        Assert.NotEqual(Verdict.Inconclusive, expected.Single(e => e.Name == "polarity reversal").Verdict);
        var written = JsonNode.Parse(File.ReadAllText(json))!;
        Assert.Equal(input.Name, written["input"]!.GetValue<string>());
        AssertSame(expected, written, r.Value!.StandardOutput);
    }

    [Fact]
    public void BadInput_ExitsTwo_NamingTheProblem()
    {
        var neither = InProcessCli.Run(Timeout, "phenomena");
        Assert.True(neither.Value?.ExitCode == ExitCodes.BadInput, $"{neither.Error} {neither.Value?.StandardError}");
        Assert.Contains("--retina", neither.Value!.StandardError);
        var noTruth = InProcessCli.Run(Timeout, "phenomena", "--retina", _dir.Path);
        Assert.True(noTruth.Value?.ExitCode == ExitCodes.BadInput, $"{noTruth.Error} {noTruth.Value?.StandardError}");
        Assert.Contains(RetinaSimulation.GroundTruthFileName, noTruth.Value!.StandardError);
        var mode = InProcessCli.Run(Timeout, "phenomena", _retina.BnCnnRun, "--input", "raw");
        Assert.True(mode.Value?.ExitCode == ExitCodes.BadInput, $"{mode.Error} {mode.Value?.StandardError}");
        Assert.Contains("--input raw", mode.Value!.StandardError);
        var unknown = InProcessCli.Run(Timeout, "phenomena", _retina.BnCnnRun, "--only", "step response,telepathy");
        Assert.True(unknown.Value?.ExitCode == ExitCodes.BadInput, $"{unknown.Error} {unknown.Value?.StandardError}");
        Assert.Contains("--only telepathy", unknown.Value!.StandardError);
        Assert.Contains("omitted stimulus response", unknown.Value!.StandardError);
    }
}
