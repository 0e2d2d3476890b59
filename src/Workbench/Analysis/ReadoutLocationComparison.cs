namespace Workbench.Analysis;

/// <summary>Every cell's learned Gaussian-readout location against its true position (<see cref="ReadoutLocations.Compare"/>).</summary>
/// <param name="Cells">One entry per cell, in output order.</param>
public sealed record ReadoutLocationComparison(IReadOnlyList<ReadoutLocation> Cells)
{
    /// <summary>The cells whose true centres the core's maps cover.</summary>
    public IReadOnlyList<ReadoutLocation> Covered => Cells.Where(c => c.Covered).ToList();

    /// <summary>The median distance (checkers) over the covered cells; NaN when none is covered.</summary>
    public double MedianError => Median(Covered.Select(c => c.Error));

    /// <summary>The median distance (checkers) a readout that knew nothing would have: every covered cell read at the middle
    /// of the map, where an untrained Gaussian readout starts. A learned location is informative only well below it.</summary>
    public double MedianErrorAtMapCentre { get; init; } = double.NaN;

    /// <summary>One line: the median distance over the covered cells against the map's middle, or that no cell is covered.</summary>
    public string Summary => Covered.Count == 0
        ? $"none of the {Cells.Count} cells' centres lies within the core's maps"
        : $"a median {MedianError:F2} checkers from the true centres over {Covered.Count} of {Cells.Count} cells (from the map's middle: {MedianErrorAtMapCentre:F2})";

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0) return double.NaN;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
