using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Analysis;

/// <summary>
/// Streams the sums behind spike-triggered covariance in float64: Σr, Σx, Σr·x, Σx·xᵀ and Σr·x·xᵀ (two matmuls a batch),
/// with x shifted by the first batch's mean window so the raw second moments do not cancel for a stimulus with a mean.
/// </summary>
internal sealed class CovarianceAccumulator : IDisposable
{
    private Tensor? _shift, _sumX, _sumRx, _sumXx, _sumRxx;
    private double _sumR;
    private long _count;

    /// <summary>Adds responses <c>(B)</c> (non-negative weights) and flattened cutouts <c>(B, D)</c>.</summary>
    public void Add(Tensor responses, Tensor cutouts)
    {
        using var scope = torch.NewDisposeScope();
        var x = cutouts.to(float64);
        var r = responses.to(float64);
        if (_shift is null)
        {
            long d = x.shape[1];
            _shift = x.mean([0]).DetachFromDisposeScope();
            _sumX = torch.zeros([d], float64, x.device).DetachFromDisposeScope();
            _sumRx = torch.zeros([d], float64, x.device).DetachFromDisposeScope();
            _sumXx = torch.zeros([d, d], float64, x.device).DetachFromDisposeScope();
            _sumRxx = torch.zeros([d, d], float64, x.device).DetachFromDisposeScope();
        }
        x = x - _shift;
        var rx = x * r.unsqueeze(1);
        _sumX!.add_(x.sum([0]));
        _sumRx!.add_(rx.sum([0]));
        _sumXx!.add_(x.t().matmul(x));
        _sumRxx!.add_(rx.t().matmul(x));
        _sumR += r.sum().item<double>();
        _count += x.shape[0];
    }

    public SpikeTriggeredCovariance Result(int history, int height, int width, int top, int left)
    {
        if (_count == 0) throw new InvalidOperationException("No windows were added.");
        if (!(_sumR > 0)) throw new ArgumentException("The responses are all zero: there is nothing to trigger on.");
        using var scope = torch.NewDisposeScope();
        var mean = _sumX! / _count;
        var meanR = _sumRx! / _sumR;
        var prior = _sumXx! / _count - mean.outer(mean);
        var triggered = _sumRxx! / _sumR - meanR.outer(meanR);
        var delta = triggered - prior;
        delta = (delta + delta.t()) / 2; // symmetric up to rounding; eigh reads one triangle
        var (values, vectors) = torch.linalg.eigh(delta);  // ascending
        values = values.flip(0);
        vectors = vectors.flip(1).t();                     // rows are eigenvectors, descending eigenvalue
        long d = values.shape[0];
        return new SpikeTriggeredCovariance(
            (meanR - mean).to(float32, CPU).view(history, height, width).MoveToOuterDisposeScope(),
            values.to(CPU).MoveToOuterDisposeScope(),
            vectors.to(float32, CPU).reshape(d, history, height, width).MoveToOuterDisposeScope(),
            top, left, _count);
    }

    public void Dispose()
    {
        _shift?.Dispose();
        _sumX?.Dispose();
        _sumRx?.Dispose();
        _sumXx?.Dispose();
        _sumRxx?.Dispose();
    }
}
