using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Analysis;

/// <summary>
/// Streams Pearson correlations between every target column <c>(B, N)</c> and every unit <c>(B, U)</c> at once: per batch
/// the sums Σx, Σx², Σy, Σy² and one matmul for Σyxᵀ, all in float64, kept per segment of window indices so that any union
/// of segments (a training prefix, a held-out rest, everything) gives its correlations from the same single pass.
/// </summary>
/// <remarks>
/// Values are shifted by the first batch's means before they are summed (the covariance does not change), so units with a
/// large mean and small fluctuations do not lose their variance to cancellation in Σx² − (Σx)²/n.
/// </remarks>
internal sealed class CorrelationAccumulator : IDisposable
{
    /// <summary>Units whose standard deviation is below this fraction of their RMS level vary only by float32 rounding: r = 0.</summary>
    public const double ConstantFraction = 1e-6;

    private readonly WindowSegments _bounds;
    private readonly Sums?[] _segments;
    private Tensor? _shiftX, _shiftY;

    /// <summary>Segment s holds the windows <c>[bounds[s], bounds[s + 1])</c>; <paramref name="bounds"/> ascend strictly.</summary>
    public CorrelationAccumulator(IReadOnlyList<long> bounds)
    {
        _bounds = new WindowSegments(bounds);
        _segments = new Sums?[_bounds.Count];
    }

    /// <summary>Number of segments.</summary>
    public int Segments => _segments.Length;

    /// <summary>Adds units <paramref name="x"/> <c>(B, U)</c> and targets <paramref name="y"/> <c>(B, N)</c> for the windows <paramref name="indices"/> (ascending).</summary>
    public void Add(long[] indices, Tensor x, Tensor y)
    {
        using var scope = torch.NewDisposeScope();
        var x64 = x.to(float64);
        var y64 = y.to(float64, x.device);
        if (_shiftX is null)
        {
            _shiftX = x64.mean([0]).DetachFromDisposeScope();
            _shiftY = y64.mean([0]).DetachFromDisposeScope();
        }
        var xc = x64 - _shiftX;
        var yc = y64 - _shiftY!;
        foreach (var (s, row, length) in _bounds.Runs(indices))
        {
            var sums = _segments[s] ??= new Sums(xc.shape[1], yc.shape[1], xc.device);
            sums.Add(xc.narrow(0, row, length), yc.narrow(0, row, length));
        }
    }

    /// <summary>
    /// Correlations <c>(N, U)</c> float64 over the union of <paramref name="segments"/>; 0 for a unit or target that is
    /// constant there (see <see cref="ConstantFraction"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The segments hold fewer than two windows.</exception>
    public Tensor Correlations(IEnumerable<int> segments)
    {
        using var scope = torch.NewDisposeScope();
        var parts = segments.Select(s => _segments[s]).Where(s => s is not null).Select(s => s!).ToList();
        long n = parts.Sum(p => p.Count);
        if (n < 2) throw new InvalidOperationException($"A correlation needs at least two windows; these segments hold {n}.");
        Tensor Total(Func<Sums, Tensor> pick) => parts.Skip(1).Aggregate(pick(parts[0]).clone(), (acc, p) => acc.add_(pick(p)));
        var mx = Total(p => p.X) / n;
        var my = Total(p => p.Y) / n;
        var vx = (Total(p => p.XX) / n - mx.square()).clamp_min(0);
        var vy = (Total(p => p.YY) / n - my.square()).clamp_min(0);
        var cov = Total(p => p.YX) / n - my.unsqueeze(1) * mx.unsqueeze(0);
        // The RMS level of the unshifted values: variation below ConstantFraction of it is rounding, not signal.
        var lx = vx + (mx + _shiftX!).square();
        var ly = vy + (my + _shiftY!).square();
        var varyX = vx > lx * (ConstantFraction * ConstantFraction);
        var varyY = vy > ly * (ConstantFraction * ConstantFraction);
        var valid = varyY.unsqueeze(1).logical_and(varyX.unsqueeze(0));
        var r = cov / (vy.unsqueeze(1) * vx.unsqueeze(0)).sqrt();
        return torch.where(valid, r.clamp(-1, 1), torch.zeros_like(r)).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _shiftX?.Dispose();
        _shiftY?.Dispose();
        foreach (var s in _segments) s?.Dispose();
    }

    private sealed class Sums : IDisposable
    {
        public Sums(long units, long targets, Device device)
        {
            X = torch.zeros([units], float64, device).DetachFromDisposeScope();
            XX = torch.zeros([units], float64, device).DetachFromDisposeScope();
            Y = torch.zeros([targets], float64, device).DetachFromDisposeScope();
            YY = torch.zeros([targets], float64, device).DetachFromDisposeScope();
            YX = torch.zeros([targets, units], float64, device).DetachFromDisposeScope();
        }

        public long Count { get; private set; }
        public Tensor X { get; }
        public Tensor XX { get; }
        public Tensor Y { get; }
        public Tensor YY { get; }
        public Tensor YX { get; }

        public void Add(Tensor x, Tensor y)
        {
            X.add_(x.sum([0]));
            XX.add_(x.square().sum([0]));
            Y.add_(y.sum([0]));
            YY.add_(y.square().sum([0]));
            YX.add_(y.t().matmul(x));
            Count += x.shape[0];
        }

        public void Dispose()
        {
            foreach (var t in new[] { X, XX, Y, YY, YX }) t.Dispose();
        }
    }
}
