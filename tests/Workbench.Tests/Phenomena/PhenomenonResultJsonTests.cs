using System.Text.Json;
using Workbench.IO;
using Workbench.Phenomena;

namespace Workbench.Tests.Phenomena;

public class PhenomenonResultJsonTests
{
    [Fact]
    public void Results_RoundTripThroughJsonFiles_AsTheirOwnRecords_WithNaN()
    {
        IReadOnlyList<PhenomenonResult> results =
        [
            new LatencyEncodingResult("latency encoding", Verdict.Absent, "rule", new Dictionary<string, double> { ["drop"] = double.NaN },
                [0, -1], [double.NaN, 60], [[0, 0], [1, 2]], [0, 10]),
            new FrequencyDoublingResult("frequency doubling", Verdict.Present, "rule", new Dictionary<string, double> { ["max F2/F1"] = 3 },
                [1], [55.55], [3], [double.NaN], [[3]]),
        ];
        string json = JsonSerializer.Serialize(results, JsonFiles.Options);
        Assert.Contains("\"phenomenon\": \"latency encoding\"", json);
        Assert.Contains("\"Present\"", json);
        var back = JsonSerializer.Deserialize<List<PhenomenonResult>>(json, JsonFiles.Options)!;
        var latency = Assert.IsType<LatencyEncodingResult>(back[0]);
        Assert.True(double.IsNaN(latency.LatenciesMs[0]));
        Assert.Equal(60, latency.LatenciesMs[1]);
        Assert.Equal(new double[] { 1, 2 }, latency.Responses[1]);
        var f2 = Assert.IsType<FrequencyDoublingResult>(back[1]);
        Assert.Equal(Verdict.Present, f2.Verdict);
        Assert.Equal(55.55, f2.BarWidthsMicrons[0]);
    }
}
