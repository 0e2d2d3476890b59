using System.Text.Json;
using System.Text.Json.Nodes;
using Plotly.NET;
using Workbench.IO;
using Workbench.Phenomena;
using Workbench.Plots;
using Workbench.Stimuli;
using Workbench.Tests.Support;
using Xunit.Abstractions;

namespace Workbench.Tests.Phenomena;

/// <summary>The motion phenomena's criteria on models whose answer is known by construction (MotionPlantedModels.cs).</summary>
public class MotionPhenomenaTests(ITestOutputHelper output)
{
    private static readonly PhenomenaOptions Options = new() { Quick = true };

    [Fact]
    public void MotionReversal_IsAbsentForLocalContrast_AndPresentForADirectionChangeDetector()
    {
        TestTorch.Cpu();
        using var linear = new LinearPlanted(4, 32);
        var l = (MotionReversalResult)new MotionReversal().Measure(linear, StimulusInput.Contrast, new PhenomenaOptions());   // the reference's conditions
        output.WriteLine(l.ToString());
        Assert.Equal(Verdict.Absent, l.Verdict);
        Assert.Equal(1, l.Numbers["reached cells"]);
        Assert.Equal(210, l.Seconds.Count);                       // 70 before the flip, 140 from it
        Assert.Equal(-0.7, l.Seconds[0], 1e-12);
        Assert.Equal(0, l.Seconds[70], 1e-12);
        Assert.Equal(12, l.Flips.Count);
        // Oracle for the moving-bar response: the linear model's rate is −Σ_l k(l)·(column-weighted mean contrast at lag l),
        // computed here in float64 from the bar's column profiles (the model has no spontaneous rate).
        using var through = Bars.Drifting(0.19, 2, 4, 32, -40, 40);
        var weights = ColumnWeights(32);
        var pooled = through.Centres.Select(x => Bars.Profile(x, 2, 32).Select((v, j) => v * weights[j]).Sum()).ToArray();
        double peak = Enumerable.Range(40, pooled.Length - 40).Max(t => -Enumerable.Range(1, 40).Sum(lag => LinearPlanted.Kernel(lag) * pooled[t - lag]));
        Assert.Equal(peak, l.MovingResponses[0], 1e-4);            // float32 rates
        Assert.True(l.Numbers["burst ratio"] < 0.8 * new MotionReversal().MinBurstRatio, $"local contrast: burst ratio {l.Numbers["burst ratio"]}");

        using var detector = new DirectionChangePlanted(4, 32);
        var d = (MotionReversalResult)new MotionReversal().Measure(detector, StimulusInput.Contrast, Options);
        Assert.Equal(100, d.Seconds.Count);                       // quick: 30 before, 70 from the flip
        Assert.Equal(new double[] { -4, 0 }, d.Flips);
        output.WriteLine(d.ToString());
        Assert.Equal(Verdict.Present, d.Verdict);
        Assert.Equal(peak, d.MovingResponses[0], 1e-4);            // no reversal while drifting through: the same crossing
        // The burst comes 3–9 frames after each flip (frames 3…9 of the aligned response are ≥ the burst by construction).
        Assert.InRange(d.Numbers["burst latency (ms)"], 30, 90);
        Assert.True(d.Bursts[0] >= DirectionChangePlanted.Burst - 1, $"burst {d.Bursts[0]}");
        Assert.True(d.Numbers["burst ratio"] > 1.5, $"detector: burst ratio {d.Numbers["burst ratio"]}");
    }

    [Fact]
    public void MotionReversalJudge_DecidesByTheRatio()
    {
        Assert.Equal(Verdict.Inconclusive, MotionReversal.Judge(double.NaN));
        Assert.Equal(Verdict.Present, MotionReversal.Judge(1.0));
        Assert.Equal(Verdict.Absent, MotionReversal.Judge(0.99));
        using var constant = new ConstantPlanted(4, 32);
        var c = new MotionReversal { Flips = [0] }.Measure(constant, StimulusInput.Contrast, Options);
        Assert.Equal(Verdict.Inconclusive, c.Verdict);
        // A bar that turns back 12 checkers before the linear model's field never reaches it: nothing to judge.
        using var linear = new LinearPlanted(4, 32);
        var far = new MotionReversal { Flips = [-12] }.Measure(linear, StimulusInput.Contrast, Options);
        Assert.Equal(0, far.Numbers["reached cells"]);
        Assert.Equal(Verdict.Inconclusive, far.Verdict);
    }

    [Fact]
    public void MotionAnticipation_LagsForADelayedLinearModel_AndLeadsForAPredictiveOne()
    {
        TestTorch.Cpu();
        var phenomenon = new MotionAnticipation { FlashPositions = Enumerable.Range(-10, 21).Select(x => (double)x).ToArray(), Extent = 16 };
        // Expected lag of a monophasic delay: velocity × the kernel's mean delay Σ l·k(l) / Σ k(l) (≈ 7.9 frames), in µm.
        double meanDelay = Enumerable.Range(1, 40).Sum(l => l * DelayedLinearPlanted.Monophasic(l)) / Enumerable.Range(1, 40).Sum(DelayedLinearPlanted.Monophasic);
        double lag = 0.176 * meanDelay * Units.MicronsPerChecker;
        using var delayed = new DelayedLinearPlanted(4, 32);
        var l = (MotionAnticipationResult)phenomenon.Measure(delayed, StimulusInput.Contrast, Options);
        output.WriteLine($"{l} (expected lead about {-lag:F1} µm)");
        Assert.Equal(Verdict.Absent, l.Verdict);
        Assert.InRange(l.Numbers["rightward lead (µm)"], -1.25 * lag, -0.75 * lag);
        Assert.InRange(l.Numbers["leftward lead (µm)"], -1.25 * lag, -0.75 * lag);

        using var predictive = new PredictivePlanted(4, 32);
        var p = (MotionAnticipationResult)phenomenon.Measure(predictive, StimulusInput.Contrast, Options);
        double lead = 0.176 * PredictivePlanted.Extrapolation * Units.MicronsPerChecker;
        output.WriteLine($"{p} (expected lead {lead:F1} µm)");
        Assert.Equal(Verdict.Present, p.Verdict);
        Assert.Equal(lead, p.Numbers["rightward lead (µm)"], 8.0);   // ±8 µm: sampling of the bar (0.176 checkers a frame) and its rendering
        Assert.Equal(lead, p.Numbers["leftward lead (µm)"], 8.0);
        // Its flashed profile peaks at its field's centre, 0.3 checkers right of the screen centre.
        Assert.Equal(0.3 * Units.MicronsPerChecker, p.Numbers["flashed peak (µm)"], 5.0);
    }

    [Fact]
    public void MotionAnticipation_PeakPositionAndJudge()
    {
        Assert.Equal(1.5, MotionAnticipation.PeakPosition([0, 1, 2, 3], [0, 1, 1, 0]), 12);
        Assert.Equal(1.5, MotionAnticipation.PeakPosition([3, 2, 1, 0], [0, 1, 1, 0]), 12);   // positions in either order
        Assert.Equal(2 - 1.0 / 6, MotionAnticipation.PeakPosition([3, 2, 1, 0], [0, 1, 0.5, 0]), 12);   // parabola: 1/6 of a step past the top sample
        Assert.True(double.IsNaN(MotionAnticipation.PeakPosition([0, 1, 2], [3, 2, 1])));      // peak on the edge
        Assert.Equal(Verdict.Present, MotionAnticipation.Judge(true, 10, 6));
        Assert.Equal(Verdict.Absent, MotionAnticipation.Judge(true, 10, 4));
        Assert.Equal(Verdict.Inconclusive, MotionAnticipation.Judge(false, 10, 10));
        Assert.Equal(Verdict.Inconclusive, MotionAnticipation.Judge(true, double.NaN, 10));
    }

    [Fact]
    public void ObjectMotionSensitivity_IsPresentWithSurroundMotionInhibition_AndAbsentForAPureCentre()
    {
        TestTorch.Cpu();
        using var oms = new ObjectMotionPlanted(32, 32, surroundWeight: 2);
        var o = (ObjectMotionResult)new ObjectMotionSensitivity().Measure(oms, StimulusInput.Contrast, Options);
        output.WriteLine(o.ToString());
        Assert.Equal(Verdict.Present, o.Verdict);
        Assert.Equal(110, o.Seconds.Count);
        // Under global motion centre and surround change together, and twice the surround's energy cancels the centre's.
        Assert.InRange(o.Ratios[0], 0, 0.1);

        using var centre = new ObjectMotionPlanted(32, 32, surroundWeight: 0);
        var c = (ObjectMotionResult)new ObjectMotionSensitivity().Measure(centre, StimulusInput.Contrast, Options);
        output.WriteLine(c.ToString());
        Assert.Equal(Verdict.Absent, c.Verdict);
        // The centre steps with probability 0.5 in both conditions: the pure centre model's ratio is 1 up to the jitter's sampling.
        Assert.InRange(c.Ratios[0], 0.85, 1.15);
        // Oracle in float64 from the stimuli themselves: its rate for window k is the mean |change| over centre checkers between
        // the window's last two frames (k + 38, k + 39); the ratio is the mean over windows and trials, global ÷ differential.
        double MeanEnergy(bool global) => Enumerable.Range(1, 2).Average(seed =>
        {
            using var s = ObjectMotion.Jitter(global, 32, 32, seed, surroundStepProbability: global ? 0.5 : 0.3, centreStepProbability: 0.5);
            var movie = s.Movie.to(TorchSharp.torch.float64).data<double>().ToArray();
            var centreCheckers = Enumerable.Range(0, 32 * 32).Where(i => Math.Sqrt(Math.Pow(i / 32 - 16, 2) + Math.Pow(i % 32 - 16, 2)) < 6).ToList();
            return Enumerable.Range(0, 150 - 40).Average(k => centreCheckers.Average(i => Math.Abs(movie[(k + 39) * 1024 + i] - movie[(k + 38) * 1024 + i])));
        });
        Assert.Equal(MeanEnergy(true) / MeanEnergy(false), c.Ratios[0], 1e-5);
    }

    [Fact]
    public void ObjectMotionSensitivity_CentresTheDiscOnEachCell()
    {
        TestTorch.Cpu();
        // A surround-inhibited cell with its field 8 rows up and 7 columns left of the screen centre (surround weight 0.5,
        // so it fires to white noise and has gradients to be found by: the disc's middle exactly, a flat disc's centroid).
        // Centred there, global motion changes centre and surround together (rate ∝ 1 − 0.5 of the centre's energy) and
        // differential motion moves the surround less (0.3 vs 0.5): on mean energies 0.25 / 0.35 = 0.71, and the
        // rectification of windows where the surround moved more than the centre lowers it further (measured 0.566).
        using var offCentre = new ObjectMotionPlanted(32, 32, surroundWeight: 0.5, row: 8, column: 9);
        Assert.Equal((8.0, 9.0), Rounded(Workbench.Analysis.GradientReceptiveFields.Centre(offCentre, Workbench.Analysis.UnitAddress.OutputCell(0))));
        var o = (ObjectMotionResult)new ObjectMotionSensitivity().Measure(offCentre, StimulusInput.Contrast, Options);
        output.WriteLine(o.ToString());
        Assert.Equal(new[] { 8.0, 9.0 }, o.DiscCentres![0]);
        Assert.Equal(Verdict.Present, o.Verdict);
        Assert.InRange(o.Ratios[0], 0.4, 0.75);
        // With the reference's one disc at the screen centre the cell's whole field jitters with the surround: no object, and
        // the surround steps more often under global motion (0.5 vs 0.3), so it fires more to global motion.
        var fixedDisc = (ObjectMotionResult)new ObjectMotionSensitivity { CentreOnCells = false }.Measure(offCentre, StimulusInput.Contrast, Options);
        output.WriteLine(fixedDisc.ToString());
        Assert.Equal(new[] { 16.0, 16.0 }, fixedDisc.DiscCentres![0]);
        Assert.Equal(Verdict.Absent, fixedDisc.Verdict);
        Assert.True(fixedDisc.Ratios[0] > 1, $"ratio {fixedDisc.Ratios[0]:F3}");
    }

    private static (double, double) Rounded((double Row, double Column) p) => (Math.Round(p.Row, 6), Math.Round(p.Column, 6));

    [Fact]
    public void FaintResponsesOnALargeRate_AreInconclusive()
    {
        TestTorch.Cpu();
        // The planted models' answers (rises of about 0.1–6) on a rate of 1000: below 10 % of the rate, nothing to judge.
        using var detector = new OffsetPlanted(new DirectionChangePlanted(4, 32), 1000);
        Assert.Equal(Verdict.Inconclusive, new MotionReversal { Flips = [0] }.Measure(detector, StimulusInput.Contrast, Options).Verdict);
        using var predictive = new OffsetPlanted(new PredictivePlanted(4, 32), 1000);
        var phenomenon = new MotionAnticipation { FlashPositions = Enumerable.Range(-6, 13).Select(x => (double)x).ToArray(), Extent = 16 };
        Assert.Equal(Verdict.Inconclusive, phenomenon.Measure(predictive, StimulusInput.Contrast, Options).Verdict);
        using var oms = new OffsetPlanted(new ObjectMotionPlanted(32, 32, surroundWeight: 2), 1000);
        Assert.Equal(Verdict.Inconclusive, new ObjectMotionSensitivity { Trials = 1 }.Measure(oms, StimulusInput.Contrast, Options).Verdict);
    }

    [Fact]
    public void MotionResults_RoundTripThroughJson_AndHaveFigures()
    {
        IReadOnlyList<PhenomenonResult> results =
        [
            new MotionReversalResult("motion reversal", Verdict.Present, "rule", new Dictionary<string, double> { ["burst ratio"] = 2 },
                [-0.01, 0, 0.01], [0, 1, 3], [double.NaN, 0.1, 0.2], [-2, 0], [[0, 1, 3]], [0], [3], [1.5]),
            new MotionAnticipationResult("motion anticipation", Verdict.Absent, "rule",
                new Dictionary<string, double> { ["rightward lead (µm)"] = -40, ["leftward lead (µm)"] = double.NaN, ["flashed peak (µm)"] = 0 },
                [-55.55, 0, 55.55], [0, 1, 0], [-10, 0, 10], [0, 1, 0.5], [10, 0, -10], [0, 1, 0.5]),
            new ObjectMotionResult("object motion sensitivity", Verdict.Inconclusive, "rule", new Dictionary<string, double> { ["median global/differential"] = double.NaN },
                [0.4, 0.41], [1, 2], [1, 1], [3], [1.5], [1], [double.NaN]),
        ];
        string json = JsonSerializer.Serialize(results, JsonFiles.Options);
        Assert.Contains("\"phenomenon\": \"motion anticipation\"", json);
        var back = JsonSerializer.Deserialize<List<PhenomenonResult>>(json, JsonFiles.Options)!;
        var reversal = Assert.IsType<MotionReversalResult>(back[0]);
        Assert.Equal(new double[] { 0, 1, 3 }, reversal.PerCell[0]);
        Assert.True(double.IsNaN(reversal.Sem[0]));
        var anticipation = Assert.IsType<MotionAnticipationResult>(back[1]);
        Assert.True(double.IsNaN(anticipation.Numbers["leftward lead (µm)"]));
        Assert.Equal(-10, anticipation.LeftwardPositionsMicrons[2]);
        var oms = Assert.IsType<ObjectMotionResult>(back[2]);
        Assert.Equal(Verdict.Inconclusive, oms.Verdict);
        Assert.True(double.IsNaN(oms.Ratios[0]));
        foreach (var r in back)
        {
            var figure = JsonNode.Parse(GenericChart.toJson(PhenomenaCharts.Figure(r)))!.AsObject();
            Assert.NotEmpty(figure["data"]!.AsArray());
            Assert.Contains(r.Verdict.ToString(), figure["layout"]!["title"]!.ToJsonString());
        }
    }

    [Fact]
    public void Battery_ListsTheMotionPhenomena()
    {
        var names = PhenomenaBattery.Default.Select(p => p.Name).ToList();
        Assert.Contains("motion reversal", names);
        Assert.Contains("motion anticipation", names);
        Assert.Contains("object motion sensitivity", names);
    }

    /// <summary><see cref="PlantedModel"/>'s column weights in float64: a Gaussian of σ 1.5 at column width/2 + 0.3, summing to 1.</summary>
    private static double[] ColumnWeights(int width)
    {
        var g = Enumerable.Range(0, width).Select(j => Math.Exp(-Math.Pow(j - (width / 2 + 0.3), 2) / (2 * 1.5 * 1.5))).ToArray();
        double sum = g.Sum();
        return g.Select(v => v / sum).ToArray();
    }
}
