using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Plotly.NET;
using Workbench.IO;
using Workbench.Phenomena;
using Workbench.Plots;
using Workbench.Tests.Support;
using Xunit.Abstractions;

namespace Workbench.Tests.Phenomena;

/// <summary>Fast contrast adaptation's measurements on models whose gain and kernel are known by construction.</summary>
public class FastContrastAdaptationTests(ITestOutputHelper output)
{
    private static readonly PhenomenaOptions Options = new() { Quick = true };

    /// <summary>Ratio of gains of a model without adaptation: the same draws at every contrast, so only float32 rounding and
    /// the equal-count bins' placement differ (the generator is exactly linear in the contrast).</summary>
    private const double ConstantGainTolerance = 0.01;

    [Fact]
    public void ALinearModel_KeepsItsGainAndKernel_AtEveryContrast()
    {
        TestTorch.Cpu();
        using var linear = new LinearPlanted(6, 6);
        var clock = Stopwatch.StartNew();
        var r = (FastContrastAdaptationResult)new FastContrastAdaptation().Measure(linear, StimulusInput.Contrast, Options);
        output.WriteLine($"{r} in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(Verdict.Absent, r.Verdict);
        Assert.Equal(new[] { 0.1, 0.7 }, r.Contrasts);
        Assert.Equal(1, r.Numbers["gain ratio (high/low)"], ConstantGainTolerance);
        // The gradient of a linear model is its filter, whatever the stimulus: the kernel, hence its centre of mass, is the
        // planted one's exactly (float32 gradients).
        double expected = FastContrastAdaptation.FrequencyCentreOfMass(Enumerable.Range(0, 40).Select(i => LinearPlanted.Kernel(40 - i)).ToArray());
        Assert.All(r.CentreOfMassHz, c => Assert.Equal(expected, c[0], 1e-3));
        // The rescaled filter makes the gain the slope in rate per unit contrast: the generator a·x has, per unit of the
        // rescaled filtered stimulus, the slope std(a·x) / c, the same at both contrasts; it is positive (the STA points along a).
        Assert.True(r.Gain[0][0] > 0);
    }

    [Fact]
    public void AFixedRectifyingLnModel_KeepsItsGain()
    {
        TestTorch.Cpu();
        // Half-wave rectification at threshold 0 is scale-free: the nonlinearity of the rescaled filtered stimulus is the same
        // function at every contrast, and so is its slope over equal-count bins.
        using var ln = new RectifiedLinearPlanted(6, 6, 0f);
        var r = (FastContrastAdaptationResult)new FastContrastAdaptation().Measure(ln, StimulusInput.Contrast, Options);
        output.WriteLine(r.ToString());
        Assert.Equal(Verdict.Absent, r.Verdict);
        Assert.Equal(1, r.Numbers["gain ratio (high/low)"], 0.03);
        Assert.Equal(0, r.Numbers["centre of mass rise (Hz)"], 0.05);

        // With a threshold the same fixed curve is sampled further up at high contrast: the slope rises (not adaptation).
        using var thresholded = new RectifiedLinearPlanted(6, 6, 0.03f);
        var t = new FastContrastAdaptation().Measure(thresholded, StimulusInput.Contrast, Options);
        output.WriteLine(t.ToString());
        Assert.Equal(Verdict.Absent, t.Verdict);
        Assert.True(t.Numbers["gain ratio (high/low)"] > 1.1);
    }

    [Fact]
    public void DivisiveNormalisation_LowersTheGain_ByTheAnalyticRatio()
    {
        TestTorch.Cpu();
        const float sigma = 0.3f;
        using var model = new DivisivePlanted(6, 6, sigma);
        var r = (FastContrastAdaptationResult)new FastContrastAdaptation().Measure(model, StimulusInput.Contrast, Options);
        output.WriteLine(r.ToString());
        double expected = DivisivePlanted.ExpectedGainRatio(sigma, 0.1, 0.7);   // 0.415
        Assert.Equal(Verdict.Present, r.Verdict);
        // Tolerance: the energy E of a window fluctuates by a few per cent around c² (≈ 480 independent entries with 3-frame
        // holds over 6x6x40), which Jensen's inequality turns into a bias below 1 % of the gain at either contrast.
        Assert.Equal(expected, r.Numbers["gain ratio (high/low)"], 0.02);
        // Normalisation by the window's energy scales the filter but does not reshape it: the kernel stays where it was.
        Assert.Equal(0, r.Numbers["centre of mass rise (Hz)"], 0.1);
    }

    [Fact]
    public void AKernelThatSpeedsUp_RaisesTheCentreOfMass_AsPlanted()
    {
        TestTorch.Cpu();
        const float sigma = 0.3f;
        using var model = new SpeedingPlanted(6, 6, sigma);
        var r = (FastContrastAdaptationResult)new FastContrastAdaptation().Measure(model, StimulusInput.Contrast, Options);
        output.WriteLine(r.ToString());
        Assert.Equal(Verdict.Present, r.Verdict);
        // Oracle: the centre of mass of the planted mixture kernel at m = c² / (σ² + c²); the mean gradient adds a term of
        // relative size about 1/D (D = 1440 window entries) from the energy's own dependence on x.
        for (int i = 0; i < r.Contrasts.Count; i++)
        {
            double expected = FastContrastAdaptation.FrequencyCentreOfMass(SpeedingPlanted.Kernel(sigma, r.Contrasts[i]));
            output.WriteLine($"c {r.Contrasts[i]}: centre of mass {r.CentreOfMassHz[i][0]:F3} Hz, planted {expected:F3} Hz");
            Assert.Equal(expected, r.CentreOfMassHz[i][0], 0.15);
        }
        Assert.True(r.Numbers["centre of mass rise (Hz)"] > 1);
    }

    [Fact]
    public void AModelThatDoesNotRespond_IsInconclusive()
    {
        TestTorch.Cpu();
        using var constant = new ConstantPlanted(4, 4);
        var r = new FastContrastAdaptation().Measure(constant, StimulusInput.Contrast, Options);
        output.WriteLine(r.ToString());
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
    }

    [Fact]
    public void CentreOfMass_MatchesHandValues()
    {
        // A 40-sample kernel at 10 ms: DFT bins 2.5 Hz apart. A cosine at bin 2 has all its power at 5 Hz.
        double[] Cos(int bin, double amplitude) => Enumerable.Range(0, 40).Select(t => amplitude * Math.Cos(2 * Math.PI * bin * t / 40)).ToArray();
        Assert.Equal(5, FastContrastAdaptation.FrequencyCentreOfMass(Cos(2, 1)), 1e-9);
        // Powers A² at 2.5 Hz and B² at 7.5 Hz: centre (2.5 A² + 7.5 B²) / (A² + B²).
        var mix = Cos(1, 1).Zip(Cos(3, 2), (a, b) => a + b).ToArray();
        Assert.Equal((2.5 * 1 + 7.5 * 4) / 5, FastContrastAdaptation.FrequencyCentreOfMass(mix), 1e-9);
        // Power above 15 Hz (bin 7 and up) is outside the centre of mass.
        Assert.Equal(5, FastContrastAdaptation.FrequencyCentreOfMass(Cos(2, 1).Zip(Cos(9, 3), (a, b) => a + b).ToArray()), 1e-9);
        Assert.True(double.IsNaN(FastContrastAdaptation.FrequencyCentreOfMass(new double[40])));
        Assert.Equal(Verdict.Present, FastContrastAdaptation.Judge(0.5, 0));
        Assert.Equal(Verdict.Present, FastContrastAdaptation.Judge(1, 2));
        Assert.Equal(Verdict.Absent, FastContrastAdaptation.Judge(0.9, 0.5));
        Assert.Equal(Verdict.Inconclusive, FastContrastAdaptation.Judge(double.NaN, 3));
    }

    [Fact]
    public void Result_RoundTripsThroughJson_AndDrawsItsFigure()
    {
        TestTorch.Cpu();
        using var model = new DivisivePlanted(4, 4, 0.3f);
        var measured = new FastContrastAdaptation { Contrasts = [0.1, 0.4, 0.7], Frames = 600, Bins = 10, GradientWindows = 8 }
            .Measure(model, StimulusInput.Contrast, Options);
        string json = JsonSerializer.Serialize(new List<PhenomenonResult> { measured }, JsonFiles.Options);
        Assert.Contains("\"phenomenon\": \"fast contrast adaptation\"", json);
        var back = Assert.IsType<FastContrastAdaptationResult>(JsonSerializer.Deserialize<List<PhenomenonResult>>(json, JsonFiles.Options)![0]);
        var r = (FastContrastAdaptationResult)measured;
        Assert.Equal(r.Verdict, back.Verdict);
        Assert.Equal(r.Contrasts, back.Contrasts);
        Assert.Equal(r.Gain[2], back.Gain[2]);
        Assert.Equal(r.Kernels[1][0], back.Kernels[1][0]);
        Assert.Equal(r.NonlinearityOutputs[2][0], back.NonlinearityOutputs[2][0]);
        Assert.Equal(r.Numbers["gain ratio (high/low)"], back.Numbers["gain ratio (high/low)"]);
        var figure = JsonNode.Parse(GenericChart.toJson(PhenomenaCharts.Figure(back)))!.AsObject();
        Assert.Equal(3 + 3 + 2, figure["data"]!.AsArray().Count);   // kernels and nonlinearities per contrast, gain, centre of mass
        Assert.Contains(back.Verdict.ToString(), figure["layout"]!["title"]!.ToJsonString());
    }
}
