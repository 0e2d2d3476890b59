using TorchSharp;
using Workbench.Data;
using Workbench.Metrics;
using Workbench.Models;
using Workbench.Tests.Support;
using Workbench.Training;

namespace Workbench.Tests.Models;

public class GlmTests
{
    /// <summary>
    /// A planted GLM cell: rate = softplus(k·window + h·(own counts in the preceding bins) + 5) Hz — exactly the GLM's form — with a strongly
    /// refractory history filter h, simulated bin by bin with Poisson spikes. Fitting a GLM must find both filters.
    /// </summary>
    [Fact]
    public void Fit_RecoversThePlantedStimulusAndSpikeHistoryFilters()
    {
        TestTorch.Cpu(seed: 70);
        const int frames = 40_000, size = 8, history = 10;
        var stimulus = torch.randn(frames, size, size);
        var lag = torch.arange(history - 1, -1, -1, dtype: torch.float32);
        var rows = torch.arange(size, dtype: torch.float32).view(-1, 1);
        var cols = torch.arange(size, dtype: torch.float32).view(1, -1);
        var k = (lag / 2 * torch.exp(-lag / 2)).view(-1, 1, 1) * torch.exp(-((rows - 4).square() + (cols - 3.5).square()) / 4).unsqueeze(0);
        k = 20 * k / k.norm();
        // h[s] weighs the count s+1 bins back (index history-1 is the most recent bin): strongly negative just after a spike.
        float[] h = Enumerable.Range(0, history).Select(i => -30f * MathF.Exp(-(history - 1 - i) / 1.5f)).ToArray();
        float[] drive = torch.nn.functional.conv3d(stimulus.view(1, 1, frames, size, size), k.view(1, 1, history, size, size)).flatten().data<float>().ToArray();
        var counts = new float[frames];
        var rates = new float[frames];
        var random = new Random(7);
        for (int t = history; t < frames; t++)
        {
            double u = drive[t - history] + 5;
            for (int s = 0; s < history; s++) u += h[s] * counts[t - history + s];
            double rate = u > 30 ? u : Math.Log(1 + Math.Exp(u));
            rates[t] = (float)rate;
            counts[t] = Poisson(rate * 0.01, random);
        }
        using var recording = new Recording(stimulus, torch.tensor(counts).view(-1, 1) / 0.01f, 0.01, [new CellInfo(0, "cell01")],
            RecordingProvenance.Of("planted GLM cell"), counts: torch.tensor(counts).view(-1, 1));
        var spec = new ModelSpec { Kind = ModelKind.Glm, Height = size, Width = size, History = history, Cells = 1, Cutout = size, SpikeHistory = history,
            CellPositions = [new CellPosition(3.5, 3.5)] };
        using var model = new Glm(spec);

        var result = Trainer.Train(model, recording, new TrainingOptions
        {
            Epochs = 12, BatchSize = 256, LearningRate = 2e-2, L1 = 0, L2 = 0, History = history, Schedule = ScheduleKind.None, EarlyStoppingPatience = 0,
        });

        Assert.NotEqual(TrainingStatus.Diverged, result.Status);
        var stimulusR = Correlation.PerCell(model.StimulusFilters.detach().flatten().view(-1, 1), k.flatten().view(-1, 1));
        Assert.True(stimulusR[0] > 0.9, $"stimulus filter r {stimulusR[0]}");
        var learned = model.HistoryFilters.detach().flatten();
        var historyR = Correlation.PerCell(learned.view(-1, 1), torch.tensor(h).view(-1, 1));
        Assert.True(historyR[0] > 0.8, $"history filter r {historyR[0]}");
        Assert.True(learned[history - 1].item<float>() < learned[0].item<float>(), "the most recent bin should be the most suppressive");
    }

    private static float Poisson(double mean, Random random)
    {
        // Knuth's method is fine for the small means of 10-ms bins.
        double limit = Math.Exp(-mean), p = 1;
        int k = 0;
        do { k++; p *= random.NextDouble(); } while (p > limit);
        return k - 1;
    }
}
