using TorchSharp;
using Workbench.Data;
using Workbench.Statistics;
using Workbench.Tests.Support;
using Workbench.Tests.Training;

namespace Workbench.Tests.Statistics;

public class ReverseCorrelationTests
{
    /// <summary>Float32 products summed in float64: agreement with the direct sum to rounding.</summary>
    private const double Tolerance = 1e-4;

    /// <summary>
    /// Oracle: the windows materialised one by one (fine for a small recording) and Σ (y_k − ȳ_c)·x_k / K written out
    /// per cell. The stimulus has a large mean and the cells very different rates, so a wrong ȳ shows at once.
    /// </summary>
    [Fact]
    public void Stas_EqualTheDirectSumOverMaterialisedWindows_PerCell()
    {
        TestTorch.Cpu(seed: 11);
        const int frames = 700, history = 6, size = 5;
        var stimulus = torch.randn(frames, size, size) + 3;
        var rates = torch.rand(frames, 3) * torch.tensor(new float[] { 1, 20, 90 });
        using var recording = new Recording(stimulus, rates, 0.01, Enumerable.Range(0, 3).Select(i => new CellInfo(i, CellInfo.NameOf(i))).ToList(),
            RecordingProvenance.Of("planted"));
        using var windows = new HistoryWindows(recording, history);
        var ranges = new[] { new WindowRange(0, 200), new WindowRange(350, 694) };

        using var stas = ReverseCorrelation.SpikeTriggeredAverages(windows, ranges, batchSize: 64);

        var indices = ranges.SelectMany(r => Enumerable.Range((int)r.Start, (int)r.Length)).ToArray();
        var x = torch.stack(indices.Select(k => stimulus.narrow(0, k, history)).ToArray()).to(torch.float64);   // (K, history, H, W)
        var y = torch.stack(indices.Select(k => rates[k + history]).ToArray()).to(torch.float64);                // (K, 3)
        for (int c = 0; c < 3; c++)
        {
            var centred = y[.., c] - y[.., c].mean();
            var expected = (centred.view(-1, 1, 1, 1) * x).mean([0]);
            double error = (stas[c].to(torch.float64) - expected).abs().max().item<double>();
            Assert.True(error < Tolerance * expected.abs().max().item<double>(), $"cell {c}: max difference {error}");
        }
    }

    private static readonly (double Row, double Column)[] Centres = [(5.0, 6.0), (11.0, 4.0), (8.0, 12.0)];

    [Fact]
    public void Centres_FromTheStas_AreThePlantedOnes()
    {
        TestTorch.Cpu(seed: 50);
        var (recording, _) = PlantedData.LocalisedLnCells(frames: 20_000, size: 16, history: 10, Centres);
        using var __ = recording;
        using var windows = new HistoryWindows(recording, 10);

        using var stas = ReverseCorrelation.SpikeTriggeredAverages(windows, [new WindowRange(0, windows.Count)]);
        var found = ReverseCorrelation.Centres(stas);

        for (int c = 0; c < Centres.Length; c++)
        {
            Assert.Equal(Centres[c].Row, found[c].Row, 0.5);
            Assert.Equal(Centres[c].Column, found[c].Column, 0.5);
        }
    }
}
