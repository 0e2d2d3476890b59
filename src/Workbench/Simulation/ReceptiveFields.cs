using TorchSharp;

namespace Workbench.Simulation;

/// <summary>The ground-truth receptive fields of the synthetic retina's ganglion cells, from its parameters.</summary>
public static class ReceptiveFields
{
    /// <summary>
    /// Each cell's linear receptive field (N, taps, H, W), oldest frame first: its subunit pool blurred by each bipolar
    /// pathway's difference of Gaussians, times that pathway's temporal filter and share, signed by polarity. It ignores
    /// rectification, gain control and inhibition, so it is what a white-noise STA approximates at moderate contrast.
    /// </summary>
    public static torch.Tensor Linear(RetinaConfig config)
    {
        using var scope = torch.NewDisposeScope();
        int h = config.Height, w = config.Width, taps = config.TemporalTaps;
        var rows = torch.arange(h, dtype: torch.float32).view(-1, 1);
        var cols = torch.arange(w, dtype: torch.float32).view(1, -1);
        var fields = new List<torch.Tensor>();
        foreach (var cell in config.Cells)
        {
            var pool = torch.exp(-((rows - cell.Row).square() + (cols - cell.Column).square()) / (2 * cell.Sigma * cell.Sigma));
            pool = pool / pool.sum();
            var field = torch.zeros(taps, h, w);
            foreach (var (pathway, share) in config.Pathways.Zip(new[] { cell.SustainedShare, 1 - cell.SustainedShare }))
            {
                using var centre = new SeparableGaussian(pathway.CentreSigma, h, w);
                using var surround = new SeparableGaussian(pathway.SurroundSigma, h, w);
                var spatial = centre.Apply(pool) - pathway.SurroundWeight * surround.Apply(pool);
                var temporal = torch.tensor(Filters.Temporal(pathway, taps, config.FramePeriod)).view(-1, 1, 1);
                field += (float)share * temporal * spatial.unsqueeze(0);
            }
            fields.Add(cell.Polarity == Polarity.On ? field : -field);
        }
        return torch.stack(fields.ToArray()).MoveToOuterDisposeScope();
    }
}
