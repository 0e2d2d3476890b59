using System.Diagnostics;
using System.Text.Json.Nodes;
using Plotly.NET;
using Workbench.Models;
using Workbench.Phenomena;
using Workbench.Plots;
using Workbench.Simulation;
using Workbench.Tests.Support;
using Xunit.Abstractions;

namespace Workbench.Tests.Phenomena;

/// <summary>
/// The motion phenomena on the synthetic retina of the tiny preset (32×32, 4 cells). What it shows is reported, not asserted:
/// the retina has no mechanism that makes a motion-reversal burst or anticipates motion, and its surround inhibition
/// lowers the response to global motion too little for object motion sensitivity (global ÷ differential about 0.9); the test checks that each phenomenon runs on it and returns a
/// well-formed record and figure. Conditions are cut to about 950 windows: two flips with
/// 70 aligned bins, flashes every second checker over the middle 15 checkers (the tiny retina's flashed profile peaks about 5 right
/// of the centre), one jitter trial.
/// </summary>
public class MotionGroundTruthTests(ITestOutputHelper output)
{
    [Fact]
    public void MotionPhenomena_RunOnTheTinyRetina_AndReportWhatItShows()
    {
        TestTorch.Cpu();
        using var retina = new GroundTruthModel(RetinaBuilder.Build(SimulationPresets.Tiny, seed: 1));
        IPhenomenon[] phenomena =
        [
            new MotionReversal { Flips = [-3, 1], PreFrames = 20, PostFrames = 50 },
            new MotionAnticipation { Extent = 12, FlashPositions = Enumerable.Range(-3, 8).Select(i => 2.0 * i - 1).ToArray() },
            new ObjectMotionSensitivity { Trials = 1 },
        ];
        var clock = Stopwatch.StartNew();
        var results = PhenomenaBattery.Run(retina, StimulusInput.Contrast, new PhenomenaOptions { Quick = true }, phenomena);
        output.WriteLine($"motion phenomena on tiny GroundTruthModel: {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(3, results.Count);
        foreach (var r in results)
        {
            output.WriteLine(r.ToString());
            Assert.False(string.IsNullOrWhiteSpace(r.Criterion));
            Assert.NotEmpty(r.Numbers);
            var figure = JsonNode.Parse(GenericChart.toJson(PhenomenaCharts.Figure(r)))!.AsObject();
            Assert.NotEmpty(figure["data"]!.AsArray());
            Assert.Contains(r.Verdict.ToString(), figure["layout"]!["title"]!.ToJsonString());
        }
        var reversal = (MotionReversalResult)results[0];
        Assert.Equal(70, reversal.Seconds.Count);
        Assert.Equal(4, reversal.PerCell.Count);                       // the tiny retina's four cells
        output.WriteLine("reversal bursts / moving-bar responses per cell: " + string.Join(", ", reversal.Bursts.Zip(reversal.MovingResponses, (b, m) => $"{b:F2}/{m:F2}")));
        var oms = (ObjectMotionResult)results[2];
        Assert.Equal(4, oms.Ratios.Count);
        Assert.All(oms.DifferentialMeans.Concat(oms.GlobalMeans), v => Assert.True(v >= 0 && double.IsFinite(v)));   // rates in Hz
        output.WriteLine("OMS ratios per cell: " + string.Join(", ", oms.Ratios.Select(x => x.ToString("F3"))));
    }
}
