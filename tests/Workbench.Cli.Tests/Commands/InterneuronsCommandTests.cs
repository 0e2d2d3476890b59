using System.Text.Json.Nodes;
using Workbench.Analysis;
using Workbench.Cli.Commands;
using Workbench.Cli.Tests.Support;
using Workbench.Data.Interneurons;
using Workbench.Models;
using Workbench.Simulation;
using Workbench.TestSupport;
using static TorchSharp.torch;

namespace Workbench.Cli.Tests.Commands;

/// <summary>
/// <c>workbench interneurons</c> on a BN-CNN trained for two batches on the micro retina, against that simulation's
/// interneurons.h5. Oracle: InterneuronMatching.Match called here on the same checkpoint and file.
/// </summary>
public class InterneuronsCommandTests : IClassFixture<MicroRetina>, IDisposable
{
    /// <summary>
    /// Correlations are float64 sums of the same float32 activations, but the command runs on its own thread, whose torch
    /// thread count can differ from this one's, and FFT convolutions round differently with the thread count (float32 ulps).
    /// </summary>
    private const double CorrelationTolerance = 1e-6;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly MicroRetina _retina;
    private readonly TempDirectory _dir = new();

    public InterneuronsCommandTests(MicroRetina retina) => _retina = retina;

    public void Dispose() => _dir.Dispose();

    private string Interneurons => _retina.Interneurons;


    [Fact]
    public void Interneurons_PrintsAndWritesTheLibrarysMatches()
    {
        string run = _retina.BnCnnRun;
        string json = _dir.File("matches.json"), report = _dir.File("matches.html");
        var r = InProcessCli.Run(Timeout, "interneurons", run, "--data", Interneurons, "--json", json, "--report", report);
        Assert.True(r.Value?.ExitCode == 0, $"{r.Error} {r.Value?.StandardOutput} {r.Value?.StandardError}");

        var (model, _) = Checkpoint.Load(Path.Combine(run, "best.weights"), CPU);
        using var _m = model;
        using var recording = InterneuronFile.Read(Interneurons);
        var expected = InterneuronMatching.Match(model, recording, InterneuronsCommand.DefaultStimulus);

        var written = JsonNode.Parse(File.ReadAllText(json))!;
        Assert.Equal(InterneuronsCommand.DefaultStimulus, written["stimulus"]!.GetValue<string>());
        var cells = written["cells"]!.AsArray();
        Assert.Equal(expected.Cells.Count, cells.Count);
        for (int i = 0; i < cells.Count; i++)
        {
            var want = expected.Cells[i];
            var best = cells[i]!["best"]!;
            Assert.Equal(want.Best.Unit.Layer, best["unit"]!["layer"]!.GetValue<string>());
            Assert.Equal(want.Best.Unit.Channel, best["unit"]!["channel"]!.GetValue<int>());
            Assert.Equal(want.Best.Unit.Row, best["unit"]!["row"]!.GetValue<int>());
            Assert.Equal(want.Best.Unit.Column, best["unit"]!["column"]!.GetValue<int>());
            Assert.Equal(want.Best.R, best["r"]!.GetValue<double>(), CorrelationTolerance);
            Assert.InRange(best["r"]!.GetValue<double>(), -1, 1);
            Assert.Equal(want.ControlMaxAbsR, cells[i]!["controlMaxAbsR"]!.GetValue<double>(), CorrelationTolerance);
            Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(want.Best.Unit.ToString())}\s+{want.Best.R:F3}\s+{want.ControlMaxAbsR:F3}\s+{want.Distance:F1}", r.Value!.StandardOutput);
        }

        // The report: best matches, a ranking per layer, data efficiency when the defaults gave points, maps per cell and layer.
        string html = File.ReadAllText(report);
        int layers = expected.Layers.Count, efficiency = expected.Cells.Any(m => m.DataEfficiency.Count > 0) ? 1 : 0;
        Assert.Equal(1 + layers + efficiency + expected.Cells.Count * layers,
            System.Text.RegularExpressions.Regex.Matches(html, Workbench.Display.ChartHtml.Marker).Count);
        Assert.Contains("window.Plotly", html);
        foreach (var m in expected.Cells)
            Assert.Contains(System.Net.WebUtility.HtmlEncode($"r {m.Best.R:F2}"), html);
    }

    [Fact]
    public void Interneurons_BadInput_ExitsTwo_NamingTheFileOrOption()
    {
        string run = _retina.BnCnnRun;
        var noData = InProcessCli.Run(Timeout, "interneurons", run);
        Assert.True(noData.Value?.ExitCode == ExitCodes.BadInput, $"{noData.Error} {noData.Value?.StandardError}");
        Assert.Contains("--data", noData.Value!.StandardError);
        var missing = InProcessCli.Run(Timeout, "interneurons", run, "--data", _dir.File("nothing.h5"));
        Assert.True(missing.Value?.ExitCode == ExitCodes.BadInput, $"{missing.Error} {missing.Value?.StandardError}");
        Assert.Contains("nothing.h5", missing.Value!.StandardError);
        // A recording that is not an interneuron file: the reader names it.
        var wrong = InProcessCli.Run(Timeout, "interneurons", run, "--data", _retina.NaturalScenes);
        Assert.True(wrong.Value?.ExitCode == ExitCodes.BadInput, $"{wrong.Error} {wrong.Value?.StandardError}");
        Assert.Contains(Path.GetFileName(_retina.NaturalScenes), wrong.Value!.StandardError);
        var key = InProcessCli.Run(Timeout, "interneurons", run, "--data", Interneurons, "--stimulus", "flashes");
        Assert.True(key.Value?.ExitCode == ExitCodes.BadInput, $"{key.Error} {key.Value?.StandardError}");
        Assert.Contains("--stimulus flashes", key.Value!.StandardError);
    }
}
