using TorchSharp;
using Workbench.Data;
using Workbench.Data.Interneurons;
using Workbench.Simulation;
using Workbench.Stimuli;
using Workbench.Tests.Support;

namespace Workbench.Tests.Stimuli;

public class FullFieldTests
{
    [Fact]
    public void Flash_IsTheReferencesStep_ZeroExceptTheFlashFrames()
    {
        TestTorch.Cpu();
        using var step = FullField.Flash(100, 50, 200, -1, 3, 4);
        Assert.Equal(new long[] { 200, 3, 4 }, step.shape);
        float[] perFrame = step.mean([1, 2]).data<float>().ToArray();
        for (int t = 0; t < 200; t++) Assert.Equal(t is >= 50 and < 150 ? -1f : 0f, perFrame[t]);
        Assert.Equal(0f, step.std([1, 2]).abs().max().item<float>());   // full field: every checker alike
        Assert.Throws<ArgumentOutOfRangeException>(() => FullField.Flash(10, 95, 100, 1, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => FullField.Flash(-1, 0, 10, 1, 2, 2));
    }

    [Fact]
    public void ToModelInput_EqualsNormalisingTheStoredIntensities()
    {
        TestTorch.Cpu();
        // ±1 and 0 ... are stored exactly (0, 255; 127.5 is between codes, so compare it with the formula's midpoint).
        var norm = new StimulusNormalisation(100, 40);
        using var contrast = torch.tensor(new float[] { -1, 1 }).view(2, 1, 1);
        using var stored = StimulusEncoding.ToStored(contrast).to(torch.float32);
        norm.ApplyInPlace(stored);
        using var input = StimulusEncoding.ToModelInput(contrast, norm);
        Assert.Equal(stored.data<float>().ToArray(), input.data<float>().ToArray());
        using var mid = StimulusEncoding.ToModelInput(torch.zeros(1, 1, 1), norm);
        Assert.Equal((127.5 - 100) / (40 + StimulusNormalisation.Epsilon), mid.item<float>(), 1e-6);
    }

    [Fact]
    public void FromModelInput_InvertsToModelInput()
    {
        TestTorch.Cpu();
        var norm = new StimulusNormalisation(90, 35);
        using var contrast = torch.linspace(-1, 1, 21).view(21, 1, 1);
        using var back = StimulusEncoding.FromModelInput(StimulusEncoding.ToModelInput(contrast, norm), norm);
        Assert.True(torch.allclose(back, contrast.to(torch.float32), rtol: 0, atol: 1e-6), "contrast → input → contrast");
        // A stored intensity normalised as a recording normalises it comes back as its contrast.
        using var stored = torch.tensor(new float[] { 0, 255, 100 }).view(3, 1, 1);
        using var normalised = stored.clone();
        norm.ApplyInPlace(normalised);
        using var expected = StimulusEncoding.ToContrast(stored.to(torch.uint8));
        Assert.True(torch.allclose(StimulusEncoding.FromModelInput(normalised, norm), expected, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void InterneuronStimulus_First_CopiesTheLeadingFrames()
    {
        TestTorch.Cpu();
        using var s = new InterneuronStimulus("whitenoise", torch.arange(20f).view(5, 2, 2), torch.arange(10f).view(5, 2), [new(0, "bipolar"), new(1, "amacrine")]);
        using var first = s.First(3);
        Assert.Equal(new long[] { 3, 2, 2 }, first.Stimulus.shape);
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5 }, first.Potentials.data<float>().ToArray());
        first.Potentials.fill_(-1);
        Assert.Equal(0f, s.Potentials[0, 0].item<float>());   // a copy, not a view
        Assert.Throws<ArgumentOutOfRangeException>(() => s.First(6));
    }
}
