using System.Diagnostics;
using System.Text.Json.Nodes;
using Plotly.NET;
using TorchSharp;
using Workbench.Models;
using Workbench.Phenomena;
using Workbench.Plots;
using Workbench.Simulation;
using Workbench.Tests.Support;
using Xunit.Abstractions;

namespace Workbench.Tests.Phenomena;

/// <summary>
/// Fast contrast adaptation and polarity reversal on the tiny preset's synthetic retina (<see cref="GroundTruthModel"/> of
/// <see cref="RetinaBuilder.Build"/>, contrast units), with reduced settings (two cells, short stimuli) so they take seconds: both
/// run, give well-formed records, and are present, as the retina was built to show them (its fast divisive gain control lowers
/// the gain at high contrast; its cells pool rectified subunits of both polarities, so their instantaneous receptive fields
/// reverse sign under natural scenes). Measured: gain ratio 0.33 (contrast 0.7 / 0.1); prop 0.033 and 0.113 over 150 steps.
/// </summary>
public class GroundTruthAdaptationTests(ITestOutputHelper output)
{
    [Fact]
    public void ContrastAdaptationAndPolarityReversal_RunOnTheTinyRetina()
    {
        TestTorch.Cpu();
        var preset = SimulationPresets.Tiny;
        using var retina = new GroundTruthModel(RetinaBuilder.Build(preset, seed: 1));
        // A short natural movie of the preset's kind (dead-leaves images, its eye movements), in contrast units.
        var random = new Random(3);
        var images = Enumerable.Range(0, 2).Select(_ => NaturalImages.ToContrast(NaturalImages.DeadLeaves(preset.ImageSize, random))).ToList();
        using var natural = NaturalMovie.Create(images, preset.Eye, 200, preset.Grid, preset.Grid, SimulationPreset.FramePeriod, random);
        foreach (var image in images) image.Dispose();
        var options = new PhenomenaOptions { Quick = true, NaturalScenes = natural.Movie, Cells = [0, 3] };
        IPhenomenon[] phenomena =
        [
            new FastContrastAdaptation { Frames = 300, Bins = 8, GradientWindows = 2 },
            new PolarityReversal { MaxWindows = 150 },
        ];
        var clock = Stopwatch.StartNew();
        var results = PhenomenaBattery.Run(retina, StimulusInput.Contrast, options, phenomena);
        output.WriteLine($"on tiny GroundTruthModel: {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var r in results)
        {
            output.WriteLine(r.ToString());
            Assert.Equal(Verdict.Present, r.Verdict);
            var figure = JsonNode.Parse(GenericChart.toJson(PhenomenaCharts.Figure(r)))!.AsObject();
            Assert.Contains(r.Verdict.ToString(), figure["layout"]!["title"]!.ToJsonString());
        }
        var adaptation = (FastContrastAdaptationResult)results[0];
        Assert.Equal(new[] { 0, 3 }, adaptation.Cells);
        Assert.All(adaptation.Gain.SelectMany(g => g), g => Assert.True(double.IsFinite(g)));
        Assert.All(adaptation.CentreOfMassHz.SelectMany(g => g), c => Assert.InRange(c, 0, 15));   // within the 0–15 Hz bins
        var polarity = (PolarityReversalResult)results[1];
        Assert.All(polarity.Proportions, p => Assert.InRange(p, 0, 1));
        output.WriteLine("prop per cell: " + string.Join(", ", polarity.Proportions.Select(p => p.ToString("F3"))) +
            "; correlation-based: " + string.Join(", ", polarity.ReversedFractions.Select(p => p.ToString("F3"))));
    }
}
