using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Simulation;

/// <summary>
/// "Same"-size Gaussian blur of every frame, with zero padding, as two small matrix products (rows, then columns): a
/// Gaussian is separable, and banded matrices of a few dozen rows make a long movie cheap to filter.
/// </summary>
internal sealed class SeparableGaussian : IDisposable
{
    private readonly Tensor _rows;    // (H, H)
    private readonly Tensor _columns; // (W, W), transposed for right multiplication

    /// <summary>A blur of standard deviation <paramref name="sigma"/> checkers for frames of <paramref name="height"/> × <paramref name="width"/>, in <paramref name="dtype"/>.</summary>
    public SeparableGaussian(double sigma, int height, int width, torch.ScalarType dtype = torch.ScalarType.Float32)
    {
        int radius = Filters.RadiusFor(sigma);
        var taps = Enumerable.Range(-radius, 2 * radius + 1).Select(d => Math.Exp(-d * d / (2 * sigma * sigma))).ToArray();
        double sum = taps.Sum();
        Tensor Band(int n)
        {
            var m = new float[n * n];
            for (int i = 0; i < n; i++)
                for (int d = -radius; d <= radius; d++)
                    if (i + d >= 0 && i + d < n) m[i * n + i + d] = (float)(taps[d + radius] / sum);
            return torch.tensor(m).view(n, n);
        }
        _rows = Band(height).to(dtype).DetachFromDisposeScope();
        _columns = Band(width).t().contiguous().to(dtype).DetachFromDisposeScope();
    }

    /// <summary>Blurs the last two axes of <paramref name="frames"/> (…, H, W).</summary>
    public Tensor Apply(Tensor frames)
    {
        using var scope = torch.NewDisposeScope();
        return torch.matmul(_rows, frames.matmul(_columns)).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _rows.Dispose();
        _columns.Dispose();
    }
}
