using TorchSharp;
using Workbench.Data;
using Workbench.Models;
using Workbench.Phenomena;
using Workbench.Simulation;
using Workbench.Stimuli;
using Workbench.Tests.Support;

namespace Workbench.Tests.Phenomena;

public class StimulusInputTests
{
    [Fact]
    public void ForRecording_GivesAModelOfNormalisedInputsTheSameStimulusAsContrastGivesTheRetina()
    {
        TestTorch.Cpu();
        // A 12×12 two-cell retina (cheap), once taking contrast and once taking a recording's normalised stored units:
        // the same phenomenon through the matching adapter must see the same rates (contrast within ±1, so nothing clamps).
        var config = RetinaBuilder.Build(SimulationPresets.Tiny with { Grid = 12, Cells = 2, BipolarSamples = 4, AmacrineSamples = 1, ImageSize = 40 }, seed: 3);
        var norm = new StimulusNormalisation(120, 35);
        using var contrastModel = new GroundTruthModel(config);
        using var storedModel = new GroundTruthModel(config, inputNormalisation: norm);
        var phenomenon = new LatencyEncoding { Intensities = [-0.5, -1] };
        var options = new PhenomenaOptions();
        var a = (LatencyEncodingResult)phenomenon.Measure(contrastModel, StimulusInput.Contrast, options);
        var b = (LatencyEncodingResult)phenomenon.Measure(storedModel, StimulusInput.ForRecording(norm), options);
        for (int i = 0; i < 2; i++)
            for (int k = 0; k < a.Responses[i].Length; k++)
                Assert.Equal(a.Responses[i][k], b.Responses[i][k], 1e-3 * (1 + Math.Abs(a.Responses[i][k])));

        using var flash = FullField.Flash(2, 0, 3, -0.5, 1, 1);
        using var mapped = StimulusInput.ForRecording(norm).ToModel(flash);
        Assert.Equal((127.5 - 0.5 * 127.5 - 120) / (35 + StimulusNormalisation.Epsilon), mapped[0, 0, 0].item<float>(), 1e-5);
        using var same = StimulusInput.Contrast.ToModel(flash);
        Assert.True(same.eq(flash).all().item<bool>());
        same.fill_(7);
        Assert.Equal(-0.5f, flash[0, 0, 0].item<float>());   // a copy: the phenomenon's stimulus is never changed
    }

    [Fact]
    public void ModelResponses_NamesAMismatchedFrameSize()
    {
        TestTorch.Cpu();
        using var model = new LinearPlanted(4, 4);
        using var movie = torch.zeros(60, 5, 4);
        var e = Assert.Throws<ArgumentException>(() => ModelResponses.Of(model, StimulusInput.Contrast, movie, new PhenomenaOptions()));
        Assert.Contains("(T, 4, 4)", e.Message);
        using var ok = torch.zeros(60, 4, 4);
        Assert.Throws<ArgumentException>(() => ModelResponses.Of(model, StimulusInput.Contrast, ok, new PhenomenaOptions { Cells = [1] }));
        Assert.Equal(20, ModelResponses.Of(model, StimulusInput.Contrast, ok, new PhenomenaOptions())[0].Length);
    }
}
