using TorchSharp;
using Workbench.Metrics;
using Workbench.Simulation;
using Workbench.Tests.Support;
using static TorchSharp.torch;

namespace Workbench.Tests.Simulation;

public class ReceptiveFieldsTests
{
    /// <summary>The ground-truth linear receptive field is what a white-noise STA of the cell recovers.</summary>
    [Fact]
    public void LinearReceptiveFields_MatchWhiteNoiseStas()
    {
        TestTorch.Cpu(seed: 110);
        var config = RetinaBuilder.Build(SimulationPresets.Tiny, seed: 1);
        using var retina = new SyntheticRetina(config);
        int frames = 40_000, lags = config.TemporalTaps;
        using var noise = WhiteNoise.Movie(new WhiteNoiseSpec(WhiteNoiseKind.Gaussian, 0.3, 1), frames, config.Height, config.Width, new Generator(3));
        using var response = retina.Simulate(noise);
        using var truth = ReceptiveFields.Linear(config);

        for (int c = 0; c < config.Cells.Count; c++)
        {
            using var scope = torch.NewDisposeScope();
            var y = response.Rates[.., c].narrow(0, lags - 1, frames - lags + 1);
            // Frame k + j (j < lags) precedes bin k + lags - 1: the STA's tap order matches the RF's, oldest first.
            var sta = nn.functional.conv3d(noise.view(1, 1, frames, config.Height, config.Width), (y - y.mean()).view(1, 1, -1, 1, 1)).view(lags, config.Height, config.Width);
            // Within 5 checkers of the centre, where the field lives (elsewhere the STA is only estimation noise).
            var cell = config.Cells[c];
            long top = Math.Clamp((long)Math.Round(cell.Row) - 5, 0, config.Height - 11), left = Math.Clamp((long)Math.Round(cell.Column) - 5, 0, config.Width - 11);
            Tensor Cut(Tensor f) => f.narrow(1, top, 11).narrow(2, left, 11).flatten().view(-1, 1);
            double r = Correlation.PerCell(Cut(sta), Cut(truth[c]))[0];
            Assert.True(r > 0.8, $"cell {c}: STA vs ground-truth linear RF r = {r:F3}");
        }
    }
}
