using System.Text.Json.Nodes;
using Workbench.Analysis;
using Workbench.Cli.Commands;
using Workbench.Cli.Tests.Support;
using Workbench.Models;
using Workbench.TestSupport;
using static TorchSharp.torch;

namespace Workbench.Cli.Tests.Commands;

/// <summary>
/// <c>workbench rf</c> on a BN-CNN trained for two batches on the micro retina. Oracle: the library's own reverse correlation
/// and decomposition (LayerProbe.CentralUnits, UnitReverseCorrelation.Stas, SpaceTimeDecomposition) of the same checkpoint
/// over the same seeded white noise, computed here independently of the command's printing and JSON.
/// </summary>
public class RfCommandTests : IClassFixture<MicroRetina>, IDisposable
{
    /// <summary>The JSON holds float32 components and doubles printed round-trip; the same computation twice agrees to float32 rounding.</summary>
    private const double ComponentTolerance = 1e-5;

    /// <summary>
    /// Variance explained is a double from a float64 SVD of float32 STAs; the command runs on its own thread, whose torch
    /// thread count can differ from this one's, and FFT convolutions round differently with the thread count (float32 ulps).
    /// </summary>
    private const double VarianceTolerance = 1e-6;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const int Frames = 600;
    private readonly MicroRetina _retina;
    private readonly TempDirectory _dir = new();

    public RfCommandTests(MicroRetina retina) => _retina = retina;

    public void Dispose() => _dir.Dispose();


    [Fact]
    public void Rf_WritesTheLibrarysReceptiveFields_ForTheSameSeed()
    {
        string run = _retina.BnCnnRun;
        string json = _dir.File("rf.json"), report = _dir.File("rf.html");
        var r = InProcessCli.Run(Timeout, "rf", run, "--layer", "conv1", "--frames", $"{Frames}", "--seed", "7", "--json", json, "--report", report);
        Assert.True(r.Value?.ExitCode == 0, $"{r.Error} {r.Value?.StandardOutput} {r.Value?.StandardError}");

        var (model, _) = Checkpoint.Load(Path.Combine(run, "best.weights"), CPU);
        using var _m = model;
        var units = LayerProbe.CentralUnits(model, "conv1");
        using var generator = new Generator(7);
        using var noise = randn([Frames, model.Spec.Height, model.Spec.Width], float32, CPU, generator: generator);
        using var stas = UnitReverseCorrelation.Stas(model, noise, units);
        var expected = SpaceTimeDecomposition.DecomposeAll(stas);

        var written = JsonNode.Parse(File.ReadAllText(json))!["units"]!.AsArray();
        Assert.Equal(units.Count, written.Count);
        string html = File.ReadAllText(report);
        // One chart of every unit's components, then one space-time chart per unit.
        Assert.Equal(units.Count + 1, System.Text.RegularExpressions.Regex.Matches(html, Workbench.Display.ChartHtml.Marker).Count);
        Assert.Contains("window.Plotly", html);
        for (int i = 0; i < units.Count; i++)
        {
            var u = written[i]!;
            Assert.Contains($"conv1[{units[i].Channel}, {units[i].Row}, {units[i].Column}]: variance explained {expected[i].VarianceExplained:F3}", html);
            double explained = u["varianceExplained"]!.GetValue<double>();
            Assert.InRange(explained, 0, 1);
            Assert.Equal(expected[i].VarianceExplained, explained, VarianceTolerance);
            Assert.Equal(units[i].Channel, u["channel"]!.GetValue<int>());
            float[] temporal = u["temporal"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
            float[] spatial = u["spatial"]!.AsArray().SelectMany(row => row!.AsArray().Select(v => v!.GetValue<float>())).ToArray();
            float[] wantTemporal = expected[i].Temporal.data<float>().ToArray(), wantSpatial = expected[i].Spatial.data<float>().ToArray();
            Assert.Equal(wantTemporal.Length, temporal.Length);
            Assert.Equal(wantSpatial.Length, spatial.Length);
            for (int t = 0; t < temporal.Length; t++) Assert.Equal(wantTemporal[t], temporal[t], ComponentTolerance);
            for (int p = 0; p < spatial.Length; p++) Assert.Equal(wantSpatial[p], spatial[p], ComponentTolerance);
            // Peaks: independent argmax over the library's components.
            int peak = Array.IndexOf(wantSpatial, wantSpatial.MaxBy(Math.Abs));
            int width = (int)expected[i].Spatial.shape[1];
            Assert.Equal(peak / width, u["peakRow"]!.GetValue<int>());
            Assert.Equal(peak % width, u["peakColumn"]!.GetValue<int>());
            Assert.Equal(wantTemporal.Length - 1 - Array.IndexOf(wantTemporal, wantTemporal.MaxBy(Math.Abs)), u["peakLag"]!.GetValue<int>());
            Assert.Contains($"conv1[{units[i].Channel}, {units[i].Row}, {units[i].Column}]", r.Value!.StandardOutput);
        }
    }

    [Fact]
    public void Rf_BadInput_ExitsTwo_NamingTheFileOrOption()
    {
        var missing = InProcessCli.Run(Timeout, "rf", _dir.File("norun"));
        Assert.True(missing.Value?.ExitCode == ExitCodes.BadInput, $"{missing.Error} {missing.Value?.StandardError}");
        Assert.Contains("norun", missing.Value!.StandardError);

        string run = _retina.BnCnnRun;
        var layer = InProcessCli.Run(Timeout, "rf", run, "--layer", "conv9");
        Assert.True(layer.Value?.ExitCode == ExitCodes.BadInput, $"{layer.Error} {layer.Value?.StandardError}");
        Assert.Contains("--layer conv9", layer.Value!.StandardError);
        var frames = InProcessCli.Run(Timeout, "rf", run, "--frames", "10");
        Assert.True(frames.Value?.ExitCode == ExitCodes.BadInput, $"{frames.Error} {frames.Value?.StandardError}");
        Assert.Contains("--frames 10", frames.Value!.StandardError);
    }
}
