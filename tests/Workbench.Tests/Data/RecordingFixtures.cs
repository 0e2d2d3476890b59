using TorchSharp;
using Workbench.Data;

namespace Workbench.Tests.Data;

/// <summary>Small recordings whose every value is known: stimulus[t, y, x] = t + y/100 + x/10000, rates[t, n] = 1000 n + t.</summary>
internal static class RecordingFixtures
{
    public static Recording Known(long frames, int height = 3, int width = 4, int cells = 2)
    {
        var t = torch.arange(frames, dtype: torch.float32).view(-1, 1, 1);
        var y = torch.arange(height, dtype: torch.float32).view(1, -1, 1) / 100;
        var x = torch.arange(width, dtype: torch.float32).view(1, 1, -1) / 10000;
        var stimulus = (t + y + x).contiguous();
        var rates = (torch.arange(frames, dtype: torch.float32).view(-1, 1) + 1000 * torch.arange(cells, dtype: torch.float32).view(1, -1)).contiguous();
        var names = Enumerable.Range(0, cells).Select(i => new CellInfo(i, CellInfo.NameOf(i))).ToList();
        return new Recording(stimulus, rates, 0.01, names, RecordingProvenance.Of("fixture"));
    }
}
