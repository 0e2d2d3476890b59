using System.Text.Json.Nodes;
using Plotly.NET;
using Workbench.Phenomena;
using Workbench.Plots;

namespace Workbench.Tests.Plots;

public class PhenomenaChartsTests
{
    private static JsonObject Figure(GenericChart chart) => JsonNode.Parse(GenericChart.toJson(chart))!.AsObject();

    [Fact]
    public void FrequencyDoubling_PlotsTheRatioAgainstMicrons_WithTheLineAtOne()
    {
        var r = new FrequencyDoublingResult("frequency doubling", Verdict.Present, "c", new Dictionary<string, double> { ["max F2/F1"] = 3 },
            [1, 2], [55.55, 111.1], [3, 0.5], [0.1, double.NaN], [[3, 3], [0.5, 0.5]]);
        var figure = Figure(PhenomenaCharts.Figure(r));
        var data = figure["data"]!.AsArray();
        Assert.Equal(4, data.Count);
        Assert.Equal("[55.55,111.1]", data[0]!["x"]!.ToJsonString());
        Assert.Equal("[3.0,0.5]", data[0]!["y"]!.ToJsonString());
        Assert.Equal("[3.1,0.5]", data[1]!["y"]!.ToJsonString());     // + SEM; an undefined SEM draws as 0
        Assert.Equal("[1.0,1.0]", data[3]!["y"]!.ToJsonString());
        Assert.Contains("Present", figure["layout"]!["title"]!.ToJsonString());
    }

    [Fact]
    public void Figure_NamesAResultTypeWithoutAFigure()
    {
        var e = Assert.Throws<ArgumentException>(() => PhenomenaCharts.Figure(new Unknown()));
        Assert.Contains("Unknown", e.Message);
    }

    private sealed record Unknown() : PhenomenonResult("x", Verdict.Absent, "c", new Dictionary<string, double>());
}
