using Workbench.Phenomena;
using Workbench.Tests.Support;
using Xunit.Abstractions;

namespace Workbench.Tests.Phenomena;

/// <summary>Each criterion on models whose answer is known by construction (<see cref="PlantedModel"/>).</summary>
public class PhenomenaTests(ITestOutputHelper output)
{
    private static readonly PhenomenaOptions Options = new() { Quick = true };

    [Fact]
    public void StepResponse_SeesALinearModelRespond_AndAConstantModelNot()
    {
        TestTorch.Cpu();
        using var linear = new LinearPlanted(8, 8);
        var r = (StepResponseResult)new StepResponse().Measure(linear, StimulusInput.Contrast, Options);
        output.WriteLine(r.ToString());
        Assert.Equal(Verdict.Present, r.Verdict);
        Assert.Equal(160, r.Seconds.Count);
        Assert.Equal(0.4, r.Seconds[0], 1e-12);
        Assert.Equal(-1, r.Stimulus[10]);     // frame 50: the step
        Assert.Equal(0, r.Stimulus[9]);
        Assert.Equal(1, r.Numbers["OFF cells"]);   // an OFF filter: its largest rise comes in the dark
        // The linear response to the step's onset at response index 10 + lag: the filter's step response Σ_{l≤lag} k(l).
        for (int lag = 1; lag <= 30; lag++)
            Assert.Equal(Enumerable.Range(1, lag).Sum(LinearPlanted.Kernel), r.Rates[0][10 + lag], 1e-4);
        using var subunits = new SubunitPlanted(8, 8);
        // Full-field: a transient model responds only at the onset (to darkening it is rectified away) and at the offset.
        var s = new StepResponse().Measure(subunits, StimulusInput.Contrast, Options);
        Assert.Equal(Verdict.Present, s.Verdict);
        Assert.Equal(1, s.Numbers["ON cells"]);
        using var constant = new ConstantPlanted(8, 8);
        Assert.Equal(Verdict.Absent, new StepResponse().Measure(constant, StimulusInput.Contrast, Options).Verdict);
    }

    [Fact]
    public void LatencyEncoding_IsAbsentInALinearModel_AndPresentWhereLatencyFallsWithIntensity()
    {
        TestTorch.Cpu();
        using var linear = new LinearPlanted(6, 6);
        var l = (LatencyEncodingResult)new LatencyEncoding().Measure(linear, StimulusInput.Contrast, Options);
        output.WriteLine(l.ToString());
        Assert.Equal(Verdict.Absent, l.Verdict);
        var finite = l.LatenciesMs.Where(double.IsFinite).ToList();
        Assert.Equal(6, finite.Count);                       // every non-zero intensity; 0 evokes nothing
        Assert.True(double.IsNaN(l.LatenciesMs[0]));
        Assert.All(finite, x => Assert.Equal(finite[0], x, 1e-3));   // one latency for all (float32 rates)

        using var planted = new LatencyPlanted(6, 6);
        var p = (LatencyEncodingResult)new LatencyEncoding().Measure(planted, StimulusInput.Contrast, Options);
        output.WriteLine(p.ToString());
        Assert.Equal(Verdict.Present, p.Verdict);
        // By construction the peak is D(A) = max(1, 8 − 2A) frames after the onset: 70 ms at A = 0.5, … 20 ms at A = 3 (the
        // parabola through a sampled Gaussian of σ 1 bin is exact at integer peaks).
        for (int i = 1; i < p.Intensities.Count; i++)
            Assert.Equal(Math.Max(1, 8 - 2 * Math.Abs(p.Intensities[i])) * 10, p.LatenciesMs[i], 1e-6);
        Assert.Equal(50, p.Numbers["latency drop (ms)"], 1e-6);
    }

    [Fact]
    public void LatencyJudge_NeedsThreeResponsesAndAFall()
    {
        Assert.Equal(Verdict.Inconclusive, LatencyEncoding.Judge([0, -1, -2], [double.NaN, 80, 70]).Verdict);
        Assert.Equal(Verdict.Present, LatencyEncoding.Judge([-1, -2, -3], [90, 80, 70]).Verdict);
        Assert.Equal(Verdict.Absent, LatencyEncoding.Judge([-1, -2, -3], [90, 85, 85]).Verdict);    // falls 5 ms < 10 ms
        Assert.Equal(Verdict.Absent, LatencyEncoding.Judge([-1, -2, -3], [70, 80, 90]).Verdict);    // rises
        Assert.Equal(1.5, LatencyEncoding.PeakIndex([0, 1, 1, 0]), 12);
        Assert.Equal(2, LatencyEncoding.PeakIndex([0, 1, 2]), 12);
    }

    [Fact]
    public void OmittedStimulusResponse_IsAbsentInALinearModel_AndPresentInAnExpectingOne()
    {
        TestTorch.Cpu();
        using var linear = new LinearPlanted(4, 4);
        var l = (OmittedStimulusResult)new OmittedStimulusResponse().Measure(linear, StimulusInput.Contrast, Options);
        output.WriteLine(l.ToString());
        Assert.Equal(Verdict.Absent, l.Verdict);
        Assert.Equal(new[] { 50.0, 60, 80, 120 }, l.PeriodsMs);

        using var planted = new ExpectationPlanted(4, 4);
        var p = (OmittedStimulusResult)new OmittedStimulusResponse().Measure(planted, StimulusInput.Contrast, Options);
        output.WriteLine(p.ToString());
        Assert.Equal(Verdict.Present, p.Verdict);
        // By construction: flashes give 2 (darkness 2 at lag 3), the omission 2 + 2·2 = 4 on the omitted flash's two frames
        // 3 bins later; the parabola through 0, 4, 4, 0 puts the peak at 3.5 bins: 35 ms at every period.
        Assert.Equal(2, p.Numbers["omission/flash ratio"], 1e-6);      // (4 − 0) / (2 − 0)
        Assert.All(p.DelaysMs, d => Assert.Equal(35, d, 1e-6));
        Assert.Equal(0, p.Numbers["delay–period slope"], 1e-9);
        Assert.Equal(0, p.Seconds[106], 1e-12);            // the reference's omitted_idx
        Assert.Equal(-2, p.Stimulus[106 - 8]);              // the last flash, one period earlier
    }

    /// <summary>
    /// A model whose stimulus barely moves its rate (the planted OSR and latency models at 1/1000 of their size on a rate of
    /// 100: a 0.002 modulation) shows nothing measurable: both criteria say Inconclusive instead of reading a ratio or
    /// latencies off the wiggle. (Found on a two-batch white-noise CNN, which the OSR criterion had called Present.)
    /// </summary>
    [Fact]
    public void FaintResponses_AreInconclusive_NotReadAsPhenomena()
    {
        TestTorch.Cpu();
        using var faintOsr = new FaintPlanted(new ExpectationPlanted(4, 4), offset: 100, scale: 1e-3f);
        var osr = new OmittedStimulusResponse().Measure(faintOsr, StimulusInput.Contrast, Options);
        output.WriteLine(osr.ToString());
        Assert.Equal(Verdict.Inconclusive, osr.Verdict);
        using var faintLatency = new FaintPlanted(new LatencyPlanted(6, 6), offset: 100, scale: 1e-3f);
        var latency = new LatencyEncoding().Measure(faintLatency, StimulusInput.Contrast, Options);
        output.WriteLine(latency.ToString());
        Assert.Equal(Verdict.Inconclusive, latency.Verdict);
        // The same model at full size is judged as before.
        using var osrOnRate = new FaintPlanted(new ExpectationPlanted(4, 4), offset: 0, scale: 1);
        Assert.Equal(Verdict.Present, new OmittedStimulusResponse().Measure(osrOnRate, StimulusInput.Contrast, Options).Verdict);
    }

    [Fact]
    public void OmittedStimulusResponse_IsAbsentInALinearModelWithARebound()
    {
        TestTorch.Cpu();
        using var rebound = new ReboundPlanted(4, 4);
        var r = (OmittedStimulusResult)new OmittedStimulusResponse().Measure(rebound, StimulusInput.Contrast, Options);
        output.WriteLine(r + " delays " + string.Join(", ", r.DelaysMs) + " ratios " + string.Join(", ", r.Ratios.Select(x => x.ToString("F2"))));
        Assert.Equal(Verdict.Absent, r.Verdict);
    }

    [Fact]
    public void OsrJudge_NeedsARatioAPeakAfterTheOnsetAndAFlatDelay()
    {
        Assert.Equal(Verdict.Present, OmittedStimulusResponse.Judge(true, 1.5, true, 0.1));
        Assert.Equal(Verdict.Absent, OmittedStimulusResponse.Judge(true, 1.5, true, -1.0));      // tied to the last flash
        Assert.Equal(Verdict.Absent, OmittedStimulusResponse.Judge(true, 0.8, true, 0.0));       // too weak
        Assert.Equal(Verdict.Absent, OmittedStimulusResponse.Judge(true, 1.5, false, 0.0));      // the last flash's decay
        Assert.Equal(Verdict.Absent, OmittedStimulusResponse.Judge(true, 1.5, true, double.NaN)); // one period: no slope
        Assert.Equal(Verdict.Inconclusive, OmittedStimulusResponse.Judge(false, 1.5, true, 0.0));
        Assert.Equal(-1, OmittedStimulusResponse.Slope([50, 80, 120], [30, 0, -40]), 12);
    }

    [Fact]
    public void FrequencyDoubling_IsZeroInALinearModel_AndAboveOneForRectifiedSubunits()
    {
        TestTorch.Cpu();
        using var linear = new LinearPlanted(4, 32);
        var l = (FrequencyDoublingResult)new FrequencyDoubling().Measure(linear, StimulusInput.Contrast, Options);
        output.WriteLine(l.ToString());
        Assert.Equal(Verdict.Absent, l.Verdict);
        // A square-wave reversal through a linear filter has odd harmonics only: F2 vanishes to rounding. At 1 checker the
        // Gaussian pooling (σ 1.5) averages the alternating checkers away (F1 ≈ e^{−π²σ²/2} ≈ 2·10⁻⁵ of the widest bars'),
        // below the response floor: no measurement (NaN), not a ratio.
        Assert.True(double.IsNaN(l.MeanRatio[0]));
        Assert.All(l.MeanRatio.Skip(1), r => Assert.InRange(r, 0, 1e-4));
        Assert.Equal(new[] { 1, 2, 4, 8 }, l.BarWidths);
        Assert.Equal(4 * 55.55, l.BarWidthsMicrons[2], 1e-9);

        using var subunits = new SubunitPlanted(4, 32);
        var s = (FrequencyDoublingResult)new FrequencyDoubling().Measure(subunits, StimulusInput.Contrast, Options);
        output.WriteLine(s.ToString() + " per width " + string.Join(", ", s.MeanRatio.Select(x => x.ToString("G3"))));
        Assert.Equal(Verdict.Present, s.Verdict);
        Assert.True(s.MeanRatio[0] > 1, $"F2/F1 at 1 checker is {s.MeanRatio[0]}");
        Assert.True(s.MeanRatio[0] > s.MeanRatio[^1], "frequency doubling falls with bar width as the bars outgrow the pooling");
    }

    [Fact]
    public void ReversingGrating_SeparatesTheLinearModelsF1FromTheSubunitsF2()
    {
        TestTorch.Cpu();
        using var linear = new LinearPlanted(4, 32);
        var l = (ReversingGratingResult)new ReversingGrating().Measure(linear, StimulusInput.Contrast, Options);
        output.WriteLine(l.ToString());
        Assert.Equal(Verdict.Present, l.Verdict);
        Assert.Equal(260, l.Rates[0].Length);
        Assert.Equal(0.4, l.Seconds[0], 1e-12);
        Assert.Equal(1, l.Stimulus[0]);      // frame 40: frames 0…49 are the first polarity, +1 on checker 0 (phase 0)
        Assert.Equal(-1, l.Stimulus[10]);    // frame 50
        Assert.True(l.F2[0] < 1e-4 * l.F1[0], $"linear F2 {l.F2[0]} vs F1 {l.F1[0]}");
        using var subunits = new SubunitPlanted(4, 32);
        var s = (ReversingGratingResult)new ReversingGrating().Measure(subunits, StimulusInput.Contrast, Options);
        Assert.True(s.F2[0] > s.F1[0], $"subunit F2 {s.F2[0]} vs F1 {s.F1[0]}");
        using var constant = new ConstantPlanted(4, 32);
        Assert.Equal(Verdict.Absent, new ReversingGrating().Measure(constant, StimulusInput.Contrast, Options).Verdict);
    }

    [Fact]
    public void AModelThatDoesNotRespond_IsInconclusive_NotAbsent()
    {
        TestTorch.Cpu();
        using var constant = new ConstantPlanted(4, 8);
        var results = PhenomenaBattery.Run(constant, StimulusInput.Contrast, Options,
            [new LatencyEncoding(), new OmittedStimulusResponse { SlopeIntervals = [6] }, new FrequencyDoubling { BarWidths = [2], Phases = [0.25] }]);
        Assert.All(results, r => Assert.Equal(Verdict.Inconclusive, r.Verdict));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.5f)]
    public void FrequencyDoubling_IsAbsentInAnLnModel_WhateverItsThreshold(float threshold)
    {
        TestTorch.Cpu();
        using var ln = new RectifiedLinearPlanted(4, 32, threshold);
        var r = (FrequencyDoublingResult)new FrequencyDoubling().Measure(ln, StimulusInput.Contrast, Options);
        output.WriteLine(r + " per width " + string.Join(", ", r.MeanRatio.Select(x => x.ToString("G3"))));
        Assert.Equal(Verdict.Absent, r.Verdict);
        Assert.True(r.MeanRatio.Where(double.IsFinite).Max() > 0.1, "rectification does add a second harmonic");
    }

    [Fact]
    public void Spectra_Amplitude_MatchesHandValues()
    {
        double[] cosine = Enumerable.Range(0, 100).Select(t => 3 * Math.Cos(2 * Math.PI * 4 * t / 100)).ToArray();
        Assert.Equal(150, Spectra.Amplitude(cosine, 4), 1e-9);      // n·A/2
        Assert.Equal(0, Spectra.Amplitude(cosine, 2), 1e-9);
        Assert.Equal(300, Spectra.Amplitude(Enumerable.Repeat(3.0, 100).ToArray(), 0), 1e-9);
    }
}
