using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Analysis;

/// <summary>
/// Streams Σ_k (r_k − r̄)·x_k / K batch by batch, where r̄ is only known at the end: each batch adds (r − c)ᵀX and ΣX
/// (one matmul in the windows' dtype, [r − c, 1]ᵀX, summed in float64 across batches) and Σ(r − c), with c the first batch's mean
/// response; the end result is (Σ(r − c)X − mean(r − c)·ΣX) / K. Shifting by c keeps the products of units with a large
/// mean response (rates of tens of Hz, membrane potentials of tens of mV, around small fluctuations) from cancelling.
/// </summary>
/// <remarks>
/// Built with segment bounds (<see cref="StaAccumulator(IReadOnlyList{long})"/>) it keeps the sums per segment of window
/// indices, all with the same shift c, so the STA over any union of segments (each choosing stretch of a data-efficiency
/// curve) comes from one pass; the sums then take segments × U × D float64s.
/// </remarks>
internal sealed class StaAccumulator : IDisposable
{
    private readonly WindowSegments? _bounds;
    private readonly Sums?[] _segments;
    private Tensor? _shift;

    /// <summary>One segment: every window added.</summary>
    public StaAccumulator() => _segments = new Sums?[1];

    /// <summary>Segment s holds the windows <c>[bounds[s], bounds[s + 1])</c>; <paramref name="bounds"/> ascend strictly.</summary>
    public StaAccumulator(IReadOnlyList<long> bounds)
    {
        _bounds = new WindowSegments(bounds);
        _segments = new Sums?[_bounds.Count];
    }

    /// <summary>Number of segments.</summary>
    public int Segments => _segments.Length;

    /// <summary>Adds responses <c>(B, U)</c> and flattened windows <c>(B, D)</c> (an accumulator without segments only).</summary>
    public void Add(Tensor responses, Tensor windows)
    {
        if (_bounds is not null) throw new InvalidOperationException("This accumulator keeps segments: add windows with their indices.");
        using var scope = torch.NewDisposeScope();
        Sum(0, Centre(responses, windows), windows);
    }

    /// <summary>Adds responses <c>(B, U)</c> and flattened windows <c>(B, D)</c> of the window indices <paramref name="indices"/> (ascending), each to its segment.</summary>
    public void Add(long[] indices, Tensor responses, Tensor windows)
    {
        if (_bounds is null) throw new InvalidOperationException("This accumulator has no segments: add windows without indices.");
        using var scope = torch.NewDisposeScope();
        var centred = Centre(responses, windows);
        foreach (var (s, row, length) in _bounds.Runs(indices))
            Sum(s, centred.narrow(0, row, length), windows.narrow(0, row, length));
    }

    /// <summary>The averages <c>(U, D)</c> in float64 on the accumulation device, over every window added.</summary>
    public Tensor Result() => Result(Enumerable.Range(0, _segments.Length));

    /// <summary>The averages <c>(U, D)</c> in float64 on the accumulation device, over the windows of <paramref name="segments"/>.</summary>
    /// <exception cref="InvalidOperationException">No windows were added to these segments.</exception>
    public Tensor Result(IEnumerable<int> segments)
    {
        var parts = segments.Select(s => _segments[s]).Where(s => s is not null).Select(s => s!).ToList();
        long count = parts.Sum(p => p.Count);
        if (count == 0) throw new InvalidOperationException("No windows were added.");
        using var scope = torch.NewDisposeScope();
        Tensor Total(Func<Sums, Tensor> pick) => parts.Skip(1).Aggregate(pick(parts[0]).clone(), (acc, p) => acc.add_(pick(p)));
        var meanR = Total(p => p.R) / count;
        return ((Total(p => p.RX) - meanR.unsqueeze(1) * Total(p => p.X).unsqueeze(0)) / count).MoveToOuterDisposeScope();
    }

    private Tensor Centre(Tensor responses, Tensor windows)
    {
        var r = responses.to(windows.dtype);
        _shift ??= r.mean([0]).detach().DetachFromDisposeScope();
        return r - _shift;
    }

    private void Sum(int segment, Tensor centred, Tensor windows)
    {
        var sums = _segments[segment] ??= new Sums(centred.shape[1], windows.shape[1], windows.device);
        long units = centred.shape[1];
        // ΣX rides along as the last row of the one matmul: a separate sum over a (B, D) batch costs as much.
        var weights = torch.cat([centred, torch.ones([centred.shape[0], 1], centred.dtype, centred.device)], 1).t().contiguous();
        var products = weights.mm(windows).to(float64); // (U + 1, D)
        sums.RX.add_(products.narrow(0, 0, units));
        sums.X.add_(products[units]);
        sums.R.add_(centred.sum([0], type: float64));
        sums.Count += centred.shape[0];
    }

    public void Dispose()
    {
        _shift?.Dispose();
        foreach (var s in _segments) s?.Dispose();
    }

    private sealed class Sums(long units, long dimensions, Device device) : IDisposable
    {
        public long Count { get; set; }
        public Tensor RX { get; } = torch.zeros([units, dimensions], float64, device).DetachFromDisposeScope();
        public Tensor X { get; } = torch.zeros([dimensions], float64, device).DetachFromDisposeScope();
        public Tensor R { get; } = torch.zeros([units], float64, device).DetachFromDisposeScope();

        public void Dispose()
        {
            RX.Dispose();
            X.Dispose();
            R.Dispose();
        }
    }
}
