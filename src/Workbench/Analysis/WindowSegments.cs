namespace Workbench.Analysis;

/// <summary>
/// Consecutive segments of window indices, segment s holding <c>[bounds[s], bounds[s + 1])</c>, and the runs of a batch's
/// ascending indices that fall in each: one home for the segment bookkeeping of the streamed accumulators
/// (<see cref="CorrelationAccumulator"/>, <see cref="StaAccumulator"/>), which keep sums per segment so any union of
/// segments (a choosing stretch, a held-out rest) comes from one pass.
/// </summary>
internal sealed class WindowSegments
{
    private readonly long[] _bounds;

    /// <exception cref="ArgumentException">Fewer than two bounds, or bounds that do not ascend strictly.</exception>
    public WindowSegments(IReadOnlyList<long> bounds)
    {
        if (bounds.Count < 2 || bounds.Zip(bounds.Skip(1)).Any(p => p.Second <= p.First))
            throw new ArgumentException($"Segment bounds must ascend strictly; got {string.Join(", ", bounds)}.", nameof(bounds));
        _bounds = bounds.ToArray();
    }

    /// <summary>Number of segments.</summary>
    public int Count => _bounds.Length - 1;

    /// <summary>The runs <c>(segment, first row, rows)</c> of <paramref name="indices"/> (ascending), in order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index lies outside every segment.</exception>
    public IEnumerable<(int Segment, int Start, int Length)> Runs(long[] indices)
    {
        int row = 0;
        while (row < indices.Length)
        {
            int s = Segment(indices[row]);
            int end = row;
            while (end < indices.Length && indices[end] < _bounds[s + 1]) end++;
            yield return (s, row, end - row);
            row = end;
        }
    }

    private int Segment(long index)
    {
        if (index < _bounds[0] || index >= _bounds[^1])
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Window {index} lies outside the segments [{_bounds[0]}, {_bounds[^1]}).");
        int s = Array.BinarySearch(_bounds, index);
        return s >= 0 ? s : ~s - 1;
    }
}
