using System.Text.Json;
using System.Text.Json.Nodes;
using Plotly.NET;
using TorchSharp;
using Workbench.IO;
using Workbench.Phenomena;
using Workbench.Plots;
using Workbench.Tests.Support;
using Xunit.Abstractions;

namespace Workbench.Tests.Phenomena;

/// <summary>Polarity reversal's measurement on models whose IRFs are known by construction.</summary>
public class PolarityReversalTests(ITestOutputHelper output)
{
    /// <summary>A stand-in natural movie (any movie will do for planted models): Gaussian noise of contrast 0.5 around a
    /// slight brightening, so the generator of <see cref="LinearPlanted"/> takes both signs with unequal frequency.</summary>
    private static torch.Tensor Movie(int frames, int size)
    {
        using var generator = new torch.Generator(11);
        return torch.randn([frames, size, size], generator: generator) * 0.5f + 0.1f;
    }

    [Fact]
    public void LnModelsNeverReverse_ASquaringModelReversesWhereItsGeneratorFlipsSign()
    {
        TestTorch.Cpu();
        using var movie = Movie(440, 6);
        var options = new PhenomenaOptions { NaturalScenes = movie };   // every one of the 400 windows (quick caps at 300)
        using var linear = new LinearPlanted(6, 6);
        var l = (PolarityReversalResult)new PolarityReversal().Measure(linear, StimulusInput.Contrast, options);
        output.WriteLine(l.ToString());
        Assert.Equal(Verdict.Absent, l.Verdict);
        Assert.Equal(0, l.Proportions[0]);
        Assert.Equal(0, l.ReversedFractions[0]);
        Assert.Equal(400, l.NormalisedDots[0].Length);
        Assert.All(l.NormalisedDots[0], d => Assert.Equal(1, d, 1e-5));   // every IRF is the filter itself

        using var rectified = new RectifiedLinearPlanted(6, 6, 0f);
        var ln = (PolarityReversalResult)new PolarityReversal().Measure(rectified, StimulusInput.Contrast, options);
        output.WriteLine(ln.ToString());
        Assert.Equal(Verdict.Absent, ln.Verdict);
        Assert.Equal(0, ln.Proportions[0]);            // IRF = 1[g > 0]·a: dot ≥ 0, zero where the cell is cut off
        Assert.False(ln.Reverses[0]);

        using var squared = new SquaredPlanted(6, 6);
        var s = (PolarityReversalResult)new PolarityReversal().Measure(squared, StimulusInput.Contrast, options);
        output.WriteLine(s.ToString());
        // Oracle from the linear model's forward pass alone: the steps where g has the other sign than mean(g).
        var g = ModelResponses.Of(linear, StimulusInput.Contrast, movie, options)[0];
        double mean = g.Average(), expected = g.Count(x => x * mean < 0) / (double)g.Length;
        output.WriteLine($"generator sign flips on {expected:P1} of steps");
        Assert.InRange(expected, 0.05, 0.95);          // the oracle is not trivial
        Assert.Equal(expected, s.Proportions[0], 2.0 / g.Length);   // at most 2 steps of g ≈ 0 may round either way
        Assert.True(s.Reverses[0]);
        Assert.Equal(Verdict.Present, s.Verdict);
        Assert.Equal(1, s.Numbers["fraction of cells reversing"]);
        // The correlation-based count agrees here: IRFs along one filter correlate ±1 with the average.
        Assert.Equal(expected, s.ReversedFractions[0], 2.0 / g.Length);

        // IRFs recomputed in a second pass (not kept) give the same dot products.
        var again = (PolarityReversalResult)new PolarityReversal { StoreBytes = 0 }.Measure(squared, StimulusInput.Contrast, options);
        Assert.Equal(s.Proportions[0], again.Proportions[0]);
        for (int k = 0; k < 400; k += 37) Assert.Equal(s.NormalisedDots[0][k], again.NormalisedDots[0][k], 1e-6);
    }

    [Fact]
    public void WithoutANaturalMovie_OrAGradient_ItIsInconclusive_AndAWrongMovieIsNamed()
    {
        TestTorch.Cpu();
        using var linear = new LinearPlanted(4, 4);
        var none = new PolarityReversal().Measure(linear, StimulusInput.Contrast, new PhenomenaOptions());
        Assert.Equal(Verdict.Inconclusive, none.Verdict);
        Assert.Contains("NaturalScenes", none.Criterion);
        using var movie = Movie(100, 4);
        using var constant = new ConstantPlanted(4, 4);
        var c = new PolarityReversal().Measure(constant, StimulusInput.Contrast, new PhenomenaOptions { NaturalScenes = movie });
        Assert.Equal(Verdict.Inconclusive, c.Verdict);
        using var wrong = Movie(100, 5);
        var e = Assert.Throws<ArgumentException>(() => new PolarityReversal().Measure(linear, StimulusInput.Contrast, new PhenomenaOptions { NaturalScenes = wrong }));
        Assert.Contains("NaturalScenes", e.Message);
        // Both draw a figure.
        Assert.Contains("Inconclusive", GenericChart.toJson(PhenomenaCharts.Figure(none)));
    }

    [Fact]
    public void Result_RoundTripsThroughJson_AndDrawsItsFigure()
    {
        TestTorch.Cpu();
        using var movie = Movie(60, 4);
        using var squared = new SquaredPlanted(4, 4);
        var measured = (PolarityReversalResult)new PolarityReversal().Measure(squared, StimulusInput.Contrast, new PhenomenaOptions { NaturalScenes = movie });
        string json = JsonSerializer.Serialize(new List<PhenomenonResult> { measured }, JsonFiles.Options);
        Assert.Contains("\"phenomenon\": \"polarity reversal\"", json);
        var back = Assert.IsType<PolarityReversalResult>(JsonSerializer.Deserialize<List<PhenomenonResult>>(json, JsonFiles.Options)![0]);
        Assert.Equal(measured.Verdict, back.Verdict);
        Assert.Equal(measured.Proportions, back.Proportions);
        Assert.Equal(measured.Reverses, back.Reverses);
        Assert.Equal(measured.NormalisedDots[0], back.NormalisedDots[0]);
        Assert.Equal(measured.Seconds, back.Seconds);
        var figure = JsonNode.Parse(GenericChart.toJson(PhenomenaCharts.Figure(back)))!.AsObject();
        Assert.Equal(4, figure["data"]!.AsArray().Count);   // one cell's dots, the zero line, the props, the bound
        Assert.Contains(back.Verdict.ToString(), figure["layout"]!["title"]!.ToJsonString());
    }
}
