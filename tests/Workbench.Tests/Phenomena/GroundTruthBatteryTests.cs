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
/// The battery on the synthetic retina of the tiny preset (the ground truth of <c>SimulationCache.Get(tiny, 1)</c>:
/// <see cref="RetinaBuilder.Build"/> of the preset and seed, without simulating a data set): every phenomenon runs on it and
/// returns well-formed records and figures, and the retina shows what it was built to show (its fast gain control: latency
/// encoding; its rectified subunits of both polarities: frequency doubling). The omitted stimulus response is reported,
/// not asserted: the retina has no mechanism for it.
/// </summary>
public class GroundTruthBatteryTests(ITestOutputHelper output)
{
    [Fact]
    public void Battery_RunsOnTheTinyRetina_AndReportsWhatItShows()
    {
        TestTorch.Cpu();
        using var retina = new GroundTruthModel(RetinaBuilder.Build(SimulationPresets.Tiny, seed: 1));
        // Reduced condition sets keep this to about 950 windows (≈ 10–15 ms each on 2 cores).
        IPhenomenon[] phenomena =
        [
            new StepResponse(),
            new ReversingGrating { Frames = 240 },
            new LatencyEncoding { Intensities = [-0.25, -1, -2] },
            new OmittedStimulusResponse { SlopeIntervals = [6, 10] },
            new FrequencyDoubling { BarWidths = [1, 4], Phases = [0.25] },
        ];
        var clock = Stopwatch.StartNew();
        var results = PhenomenaBattery.Run(retina, StimulusInput.Contrast, new PhenomenaOptions { Quick = true }, phenomena);
        output.WriteLine($"battery on tiny GroundTruthModel: {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(5, results.Count);
        foreach (var r in results)
        {
            output.WriteLine(r.ToString());
            Assert.False(string.IsNullOrWhiteSpace(r.Criterion));
            Assert.NotEmpty(r.Numbers);
            var figure = JsonNode.Parse(GenericChart.toJson(PhenomenaCharts.Figure(r)))!.AsObject();
            Assert.NotEmpty(figure["data"]!.AsArray());
            Assert.Contains(r.Verdict.ToString(), figure["layout"]!["title"]!.ToJsonString());
        }
        Assert.Equal(Verdict.Present, results[0].Verdict);            // step response
        Assert.Equal(Verdict.Present, results[1].Verdict);            // reversing grating
        Assert.Equal(Verdict.Present, results[2].Verdict);            // latency encoding
        Assert.Equal(Verdict.Present, results[4].Verdict);            // frequency doubling
        var step = (StepResponseResult)results[0];
        Assert.Equal(4, step.Rates.Count);                           // the tiny retina's four cells
        Assert.All(step.Rates.SelectMany(x => x), v => Assert.True(v >= 0 && double.IsFinite(v)));   // rates in Hz
        var latency = (LatencyEncodingResult)results[2];
        output.WriteLine("latencies (ms): " + string.Join(", ", latency.Intensities.Zip(latency.LatenciesMs, (i, l) => $"{i}: {l:F1}")));
        var osr = (OmittedStimulusResult)results[3];
        output.WriteLine("OSR delays (ms) by period: " + string.Join(", ", osr.PeriodsMs.Zip(osr.DelaysMs, (p, d) => $"{p}: {d:F1}")) +
            "; ratios " + string.Join(", ", osr.Ratios.Select(x => x.ToString("F2"))));
        var f2 = (FrequencyDoublingResult)results[4];
        output.WriteLine("F2/F1 by width: " + string.Join(", ", f2.BarWidths.Zip(f2.MeanRatio, (w, m) => $"{w}: {m:F2}")));
    }
}
