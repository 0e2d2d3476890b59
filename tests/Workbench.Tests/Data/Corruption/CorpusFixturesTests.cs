using TorchSharp;
using Workbench.Data.DeepRetina;
using Workbench.Data.Interneurons;

namespace Workbench.Tests.Data.Corruption;

/// <summary>
/// The corpus's intact sources read back exactly as the formulas of make_corruption_fixtures.py say (an oracle
/// independent of our reader: h5py wrote the committed files from numpy arrays), so "read without error" in the corpus
/// means what it says.
/// </summary>
public class CorpusFixturesTests(CorruptionSources sources) : IClassFixture<CorruptionSources>
{
    private static readonly DeepRetinaReadOptions Raw = new() { Normalise = false };

    [Theory]
    [InlineData("h5py-chunked-gzip-float64", true, 6)]
    [InlineData("h5py-contiguous-uint8", false, 8)]
    [InlineData("writer-chunked-shuffle-deflate-uint8", false, 6)]
    [InlineData("writer-contiguous-float32", true, 6)]
    public void IntactRecordings_HoldTheScriptsFormulas(string name, bool floating, int size)
    {
        string path = sources[name].Path;
        using var train = DeepRetinaFile.Read(path, "train", Raw);
        using var test = DeepRetinaFile.Read(path, "test", Raw);

        foreach (var (recording, frames) in new[] { (train, CorruptionSources.TrainFrames), (test, CorruptionSources.TestFrames) })
        {
            using var stimulus = CorruptionSources.Stimulus(frames, recording.Height, floating ? torch.float64 : torch.uint8).to(torch.float32);
            Assert.True(recording.Stimulus.allclose(stimulus, rtol: 0, atol: 0), $"{name}: stimulus differs from (7t + 3y + x) mod 251");
            using var rates = CorruptionSources.Rates(frames).t().to(torch.float32);
            Assert.True(recording.Rates.allclose(rates, rtol: 0, atol: 0), $"{name}: rates differ from 0.5 (n + 1) + 0.01 t");
            using var counts = CorruptionSources.Binned(frames).t().to(torch.float32);
            Assert.True(recording.Counts!.allclose(counts, rtol: 0, atol: 0), $"{name}: binned differs from (t (n + 1)) mod 3");
            Assert.Equal(0.01, recording.FramePeriod, 12);
        }
        using var repeats = CorruptionSources.RepeatRates(CorruptionSources.TestFrames).permute(0, 2, 1).to(torch.float32);
        Assert.True(test.Repeats!.allclose(repeats, rtol: 0, atol: 0), $"{name}: repeats differ from rates + r");
        Assert.Equal([(long)CorruptionSources.TrainFrames, size, size], train.Stimulus.shape);
    }

    [Theory]
    [InlineData("h5py-interneurons")]
    [InlineData("writer-interneurons")]
    public void IntactInterneuronFiles_HoldTheScriptsFormulas(string name)
    {
        using var file = InterneuronFile.Read(sources[name].Path);
        var s = file["whitenoise"];

        var t = torch.arange(200, torch.int64).view(-1, 1, 1);
        var y = torch.arange(6, torch.int64).view(1, -1, 1);
        var x = torch.arange(6, torch.int64).view(1, 1, -1);
        var stimulus = (5 * t + 2 * y + 3 * x).remainder(17).to(torch.float32) - (name.StartsWith("h5py") ? 8 : 0);
        Assert.True(s.Stimulus.allclose(stimulus, rtol: 0, atol: 0), $"{name}: stimulus differs from the formula");
        var expected = (0.25 * (torch.arange(4, torch.float64).view(1, -1) + 1) - 0.001 * torch.arange(200, torch.float64).view(-1, 1)).to(torch.float32);
        Assert.True(s.Potentials.allclose(expected, rtol: 0, atol: 1e-6), $"{name}: potentials differ from 0.25 (n + 1) - 0.001 t");
        Assert.Equal(["bipolar ON", "bipolar OFF", "amacrine ON", "amacrine OFF"], s.Cells.Select(c => c.Type));
    }
}
