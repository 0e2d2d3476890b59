using System.Text.Json.Nodes;
using Plotly.NET;
using TorchSharp;
using Workbench.Analysis;
using Workbench.Data;
using Workbench.Data.Interneurons;
using Workbench.Plots;
using Workbench.Tests.Support;

namespace Workbench.Tests.Plots;

/// <summary>
/// The figure charts of issue 12 (Fig. 2 and Fig. 4): each test builds a result record with planted numbers and checks that
/// the figure's JSON carries exactly those numbers, on the axes and panels it names.
/// </summary>
public class FigureChartsTests
{
    private const double Exact = 1e-12;

    private static JsonObject Figure(GenericChart chart) => JsonNode.Parse(GenericChart.toJson(chart))!.AsObject();

    private static double[] Numbers(JsonNode? array) => array!.AsArray().Select(v => v!.GetValue<double>()).ToArray();

    private static double[][] Matrix(JsonNode? z) => z!.AsArray().Select(Numbers).ToArray();

    [Fact]
    public void Panels_PutEachPanelOnItsOwnAxes_WithTheGivenDomains()
    {
        var a = Plotly.NET.CSharp.Chart.Line<double, double, string>(new[] { 0.0, 1 }, new[] { 2.0, 3 });
        var b = Plotly.NET.CSharp.Chart.Heatmap<double, int, int, string>(new[] { new[] { 1.0, -2 } });
        var figure = Figure(Panels.Combine([new Panel(a, 0, 1, 0.6, 1, "top", XRange: (0, 5)), new Panel(b, 0.25, 0.5, 0, 0.4, "map", Image: true)]));

        var data = figure["data"]!.AsArray();
        Assert.Equal("x", data[0]!["xaxis"]!.GetValue<string>());
        Assert.Equal("y2", data[1]!["yaxis"]!.GetValue<string>());
        var layout = figure["layout"]!;
        Assert.Equal(new[] { 0.6, 1 }, Numbers(layout["yaxis"]!["domain"]));
        Assert.Equal(new[] { 0.25, 0.5 }, Numbers(layout["xaxis2"]!["domain"]));
        Assert.Equal(new[] { 0.0, 5 }, Numbers(layout["xaxis"]!["range"]));
        Assert.Equal("x2", layout["yaxis2"]!["scaleanchor"]!.GetValue<string>());
        Assert.Equal(new[] { "top", "map" }, layout["annotations"]!.AsArray().Select(n => n!["text"]!.GetValue<string>()));
        Assert.Throws<ArgumentException>(() => Panels.Combine([new Panel(a, 0.5, 0.4, 0, 1)]));
    }

    [Fact]
    public void Components_ShowEachSpatialMapNormalised_AndEachTemporalKernel()
    {
        TestTorch.Cpu();
        // Two separable filters with known parts: spatial peak 2 (then normalised to 1) and a temporal kernel.
        var spatial = torch.tensor(new float[] { 0, 2, 0, -1, 0, 0 }).view(2, 3);
        var temporal = torch.tensor(new float[] { 0.5f, -1, 0.25f });
        var c = new SpaceTimeComponents(spatial, temporal, 3.0, 0.9);
        var figure = Figure(FilterCharts.Components([c, c], ["u0", "u1"], 0.01, "planted"));

        var data = figure["data"]!.AsArray();
        Assert.Equal(new[] { "heatmap", "heatmap", "scatter", "scatter" }, data.Select(d => d!["type"]!.GetValue<string>()));
        Assert.Equal(new[] { new[] { 0.0, 1, 0 }, new[] { -0.5, 0, 0 } }, Matrix(data[0]!["z"]));
        Assert.Equal(new[] { 0.5, -1, 0.25 }, Numbers(data[2]!["y"]));
        Assert.Equal(new[] { -20.0, -10, 0 }, Numbers(data[2]!["x"]));
        Assert.Contains("90 % rank-1", data[3]!["name"]!.GetValue<string>());
        Assert.Equal(-1.0, data[0]!["zmin"]!.GetValue<double>());
        Assert.Equal(1.0, data[1]!["zmax"]!.GetValue<double>());
        Assert.Throws<ArgumentException>(() => FilterCharts.Components([c], ["a", "b"], 0.01, "t"));
    }

    private static InstantaneousReceptiveFields Irfs(double[] correlations, bool keep = false)
    {
        int k = correlations.Length;
        var fields = torch.zeros(k, 3, 2, 2);
        for (int i = 0; i < k; i++) fields[i, 1, 0, 1] = torch.tensor((float)(i + 1));   // peak of moment i: i + 1 at lag 1, pixel (0, 1)
        var average = fields.mean([0]);
        return new InstantaneousReceptiveFields(UnitAddress.OutputCell(1), Enumerable.Range(0, k).Select(i => (long)i).ToArray(),
            Enumerable.Range(0, k).Select(i => 10.0 * i).ToArray(), average, correlations, correlations.Count(c => c < 0) / (double)correlations.Count(c => !double.IsNaN(c)),
            keep ? fields : null);
    }

    [Fact]
    public void InstantaneousFields_MedianAndSilent_IgnoreConstantMoments()
    {
        TestTorch.Cpu();
        var f = Irfs([0.9, double.NaN, -0.2, 0.5, 0.1]);
        Assert.Equal(0.3, f.MedianCorrelation, Exact);   // median of 0.9, -0.2, 0.5, 0.1
        Assert.Equal(1, f.Silent);
        Assert.True(double.IsNaN(Irfs([double.NaN]).MedianCorrelation));
    }

    [Fact]
    public void Sequence_ShowsTheResponse_TheMarkedMoments_AndTheirMapsAtTheAveragesPeakLag()
    {
        TestTorch.Cpu();
        var f = Irfs([1, 0.5, 0.2, -0.1, 0.3], keep: true);
        var data = Figure(GradientCharts.Sequence(f, 0.01, count: 3))["data"]!.AsArray();

        // Response over time: window k is bin k + History (3 frames here).
        Assert.Equal(new[] { 0.03, 0.04, 0.05, 0.06, 0.07 }, Numbers(data[0]!["x"]).Select(x => Math.Round(x, 10)));
        Assert.Equal(new[] { 0.0, 20, 40 }, Numbers(data[1]!["y"]));      // moments 0, 2, 4
        Assert.Equal(4, data.Count(d => d!["type"]!.GetValue<string>() == "heatmap"));   // the average and 3 moments
        Assert.Equal(new[] { new[] { 0.0, 1 }, new[] { 0.0, 0 } }, Matrix(data[3]!["z"]));   // moment 2 at lag 1, normalised
        Assert.Throws<ArgumentException>(() => GradientCharts.Sequence(Irfs([1, 1]), 0.01));   // fields not kept
    }

    [Fact]
    public void CorrelationDistributions_HistogramTheDefinedCorrelations_InSharedBins()
    {
        TestTorch.Cpu();
        var figure = Figure(GradientCharts.CorrelationDistributions([("CNN", Irfs([0.9, double.NaN, -0.2])), ("LN", Irfs([1, 1]))]));
        var data = figure["data"]!.AsArray();
        Assert.Equal(new[] { 0.9, -0.2 }, Numbers(data[0]!["x"]));
        Assert.Contains("reversed 50 %", data[0]!["name"]!.GetValue<string>());
        Assert.Contains("1 silent", data[0]!["name"]!.GetValue<string>());
        Assert.Contains("median 1.00", data[1]!["name"]!.GetValue<string>());
        Assert.True(data[1]!["xbins"]!["end"]!.GetValue<double>() > 1, "r = 1 must fall inside a bin");
        Assert.Equal("overlay", figure["layout"]!["barmode"]!.GetValue<string>());

        var boxes = Figure(GradientCharts.CorrelationsByCell([("CNN", [Irfs([0.9, 0.8])])], names: ["a", "b"]))["data"]!.AsArray();
        Assert.Equal(new[] { 0.9, 0.8 }, Numbers(boxes[0]!["y"]));
        Assert.Equal(new[] { "b", "b" }, boxes[0]!["x"]!.AsArray().Select(n => n!.GetValue<string>()));   // unit channel 1
    }

    private static InterneuronMatch Match(int index, double best, double control)
    {
        var map = new CorrelationMap("bn1", 2, 2, 3, [0.1, best, -0.3, 0, 0.2, 0, -0.5, 0.05, 0, 0, 0, 0.3]);
        var efficiency = new List<DataEfficiencyPoint>
        {
            new(1, 100, 800, new UnitCorrelation(new UnitAddress("bn1", 1, 0, 0), 0.4), 0.2, 0.6, LnTrainR: 0.9, LnHeldOutR: 0.1),
            new(2, 200, 700, new UnitCorrelation(new UnitAddress("bn1", 0, 0, 1), 0.5), 0.5, 0.6, LnTrainR: 0.8, LnHeldOutR: 0.3),
        };
        return new InterneuronMatch(new InterneuronCell(index, "bipolar"), [map], map.Best(0), [map.Best(0), map.Best(1)],
            new UnitCorrelation(new UnitAddress("bn1", 1, 1, 2), control), control, 3, 4, 1.5, efficiency);
    }

    [Fact]
    public void InterneuronCharts_CarryTheMaps_Rankings_BestMatches_AndEfficiency()
    {
        var m = Match(0, 0.7, 0.04);
        var maps = Figure(InterneuronCharts.CorrelationMaps(m))["data"]!.AsArray();
        Assert.Equal(2, maps.Count);
        Assert.Equal(new[] { new[] { 0.1, 0.7, -0.3 }, new[] { 0, 0.2, 0 } }, Matrix(maps[0]!["z"]));
        Assert.Equal(0.7, maps[1]!["zmax"]!.GetValue<double>(), Exact);   // one scale: the largest |r| of the layer
        Assert.Throws<ArgumentException>(() => InterneuronCharts.CorrelationMaps(m, "bn2"));

        var ranked = Figure(InterneuronCharts.RankedCorrelations([new TypeRanking("bipolar", 2, [0.7, 0.3])]))["data"]!.AsArray();
        Assert.Equal(new[] { 0.7, 0.3 }, Numbers(ranked[0]!["y"]));
        Assert.Equal(new[] { 1.0, 2 }, Numbers(ranked[0]!["x"]));

        var matches = new InterneuronMatches("whitenoise", ["bn1"], 1000, 400, new StimulusNormalisation(0, 1), [m, Match(1, 0.4, 0.05)]);
        var best = Figure(InterneuronCharts.BestMatches([("CNN", matches)]))["data"]!.AsArray();
        Assert.Equal(new[] { 0.7, 0.4 }, Numbers(best[0]!["y"]));
        Assert.Equal(new[] { 0.04, 0.05 }, Numbers(best[1]!["y"]));

        var efficiency = Figure(InterneuronCharts.DataEfficiency(matches))["data"]!.AsArray();
        Assert.Equal(new[] { 1.0, 2 }, Numbers(efficiency[0]!["x"]));
        Assert.Equal(new[] { 0.2, 0.5 }, Numbers(efficiency[0]!["y"]));
        Assert.Equal(new[] { 0.6, 0.6 }, Numbers(efficiency[1]!["y"]));
        Assert.Equal(new[] { 0.1, 0.3 }, Numbers(efficiency[2]!["y"]));   // the LN fitted to the interneuron
        Assert.Equal("dash", efficiency[2]!["line"]!["dash"]!.GetValue<string>());
    }

    [Fact]
    public void UnitResponses_PlotEachColumn_UnderTheStimulus_OnOneTimeAxis()
    {
        TestTorch.Cpu();
        var responses = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }).view(3, 2);
        var stimulus = torch.zeros(5, 2, 2);
        stimulus[3] = torch.tensor(-1f);
        var figure = Figure(ResponseCharts.Units(responses, ["a", "b"], 0.02, 0.01, "t", stimulus));
        var data = figure["data"]!.AsArray();
        Assert.Equal(new[] { 0.0, 0, 0, -1, 0 }, Numbers(data[0]!["y"]));
        Assert.Equal(new[] { 2.0, 4, 6 }, Numbers(data[2]!["y"]));
        Assert.Equal(new[] { 0.02, 0.03, 0.04 }, Numbers(data[1]!["x"]).Select(x => Math.Round(x, 10)));
        Assert.Equal(Numbers(figure["layout"]!["xaxis"]!["range"]), Numbers(figure["layout"]!["xaxis2"]!["range"]));
        Assert.Throws<ArgumentException>(() => ResponseCharts.Units(responses, ["a"], 0, 0.01, "t"));
    }
}
