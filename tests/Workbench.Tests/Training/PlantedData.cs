using TorchSharp;
using Workbench.Data;

namespace Workbench.Tests.Training;

/// <summary>Recordings with a planted answer: white noise driving LN cells whose filters are known.</summary>
internal static class PlantedData
{
    /// <summary>
    /// White-noise movie (frames × size × size) and <paramref name="cells"/> LN cells, each with a random smooth
    /// spatiotemporal filter over <paramref name="history"/> frames, rate = 20·softplus(filter·window − 0.5) Hz.
    /// Returns the recording and the true filters (cells, history, size, size).
    /// </summary>
    public static (Recording Recording, torch.Tensor Filters) LnCells(int frames, int size, int history, int cells, bool poisson = false)
    {
        var stimulus = torch.randn(frames, size, size);
        var filters = torch.randn(new long[] { cells, 1, history, size, size });
        // Smooth the filters so they look like receptive fields rather than noise.
        filters = torch.nn.functional.avg_pool3d(filters, [3, 3, 3], [1, 1, 1], [1, 1, 1]).view(cells, history, size, size);
        return Drive(stimulus, filters, poisson);
    }

    /// <summary>
    /// LN cells with Gaussian receptive fields (sigma 1.2 checkers) centred at <paramref name="centres"/> and a biphasic
    /// time course, on a white-noise movie: a planted answer for receptive-field centres and reverse correlation.
    /// </summary>
    public static (Recording Recording, torch.Tensor Filters) LocalisedLnCells(int frames, int size, int history, (double Row, double Column)[] centres)
    {
        var stimulus = torch.randn(frames, size, size);
        var lag = torch.arange(history - 1, -1, -1, dtype: torch.float32);
        var time = lag / 2 * torch.exp(-lag / 2) - 0.3 * lag / 4 * torch.exp(-lag / 4);
        var rows = torch.arange(size, dtype: torch.float32).view(-1, 1);
        var cols = torch.arange(size, dtype: torch.float32).view(1, -1);
        var filters = torch.stack(centres.Select(c =>
            time.view(-1, 1, 1) * torch.exp(-((rows - c.Row).square() + (cols - c.Column).square()) / (2 * 1.2 * 1.2)).unsqueeze(0)).ToArray());
        return Drive(stimulus, filters, poisson: true);
    }

    private static (Recording Recording, torch.Tensor Filters) Drive(torch.Tensor stimulus, torch.Tensor filters, bool poisson)
    {
        long frames = stimulus.shape[0], size = stimulus.shape[1];
        int cells = (int)filters.shape[0], history = (int)filters.shape[1];
        filters = filters / filters.flatten(1).norm(dim: 1).view(cells, 1, 1, 1);
        var drive = torch.nn.functional.conv3d(stimulus.view(1, 1, frames, size, size), filters.unsqueeze(1)).view(cells, -1).t(); // (frames-history+1, cells)
        // Window k (frames k..k+history-1) predicts bin k+history: put drive[k] at bin k+history.
        var rates = torch.zeros(frames, cells);
        long usable = frames - history;
        rates.narrow(0, history, usable).copy_(20 * torch.nn.functional.softplus(2 * drive.narrow(0, 0, usable) - 0.5));
        var target = poisson ? torch.poisson(rates * 0.01) / 0.01 : rates;
        var names = Enumerable.Range(0, cells).Select(i => new CellInfo(i, CellInfo.NameOf(i))).ToList();
        var recording = new Recording(stimulus, target.contiguous(), 0.01, names, RecordingProvenance.Of("planted LN cells"), counts: (target * 0.01).contiguous());
        return (recording, filters.DetachFromDisposeScope());
    }
}
