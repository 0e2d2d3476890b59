using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Analysis;

/// <summary>
/// Streams Σ_k (r_k − r̄)·x_k / K batch by batch, where r̄ is only known at the end: each batch adds (r − c)ᵀX (one
/// matmul, float32 products summed in float64 across batches), Σ(r − c) and ΣX, with c the first batch's mean response; the
/// end result is (Σ(r − c)X − mean(r − c)·ΣX) / K. Shifting by c keeps the float32 products of units with a large mean
/// response (rates of tens of Hz around small fluctuations) from cancelling.
/// </summary>
internal sealed class StaAccumulator : IDisposable
{
    private Tensor? _shift, _sumRx, _sumX, _sumR;
    private long _count;

    /// <summary>Adds responses <c>(B, U)</c> and flattened windows <c>(B, D)</c>.</summary>
    public void Add(Tensor responses, Tensor windows)
    {
        using var scope = torch.NewDisposeScope();
        var r = responses.to(windows.dtype);
        if (_shift is null)
        {
            _shift = r.mean([0]).detach().DetachFromDisposeScope();
            _sumRx = torch.zeros([r.shape[1], windows.shape[1]], float64, windows.device).DetachFromDisposeScope();
            _sumX = torch.zeros([windows.shape[1]], float64, windows.device).DetachFromDisposeScope();
            _sumR = torch.zeros([r.shape[1]], float64, windows.device).DetachFromDisposeScope();
        }
        var centred = r - _shift;
        _sumRx!.add_(centred.t().matmul(windows).to(float64));
        _sumX!.add_(windows.sum([0], type: float64));
        _sumR!.add_(centred.sum([0], type: float64));
        _count += r.shape[0];
    }

    /// <summary>The averages <c>(U, D)</c> in float64 on the accumulation device.</summary>
    public Tensor Result()
    {
        if (_count == 0) throw new InvalidOperationException("No windows were added.");
        using var scope = torch.NewDisposeScope();
        var meanR = _sumR! / _count;
        return ((_sumRx! - meanR.unsqueeze(1) * _sumX!.unsqueeze(0)) / _count).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _shift?.Dispose();
        _sumRx?.Dispose();
        _sumX?.Dispose();
        _sumR?.Dispose();
    }
}
