namespace Workbench.Data;

/// <summary>
/// A rectangle of stimulus checkers: rows <c>Row … Row + Height − 1</c>, columns <c>Column … Column + Width − 1</c>.
/// </summary>
/// <param name="Row">Top row.</param>
/// <param name="Column">Left column.</param>
/// <param name="Height">Rows (at least 1).</param>
/// <param name="Width">Columns (at least 1).</param>
public sealed record StimulusRegion(int Row, int Column, int Height, int Width)
{
    /// <summary>Checkers in the region.</summary>
    public long Area => (long)Height * Width;

    /// <summary>Whether the region lies inside a <paramref name="height"/>×<paramref name="width"/> stimulus.</summary>
    public bool FitsIn(long height, long width) =>
        Row >= 0 && Column >= 0 && Height >= 1 && Width >= 1 && Row + Height <= height && Column + Width <= width;

    /// <summary>Whether the region is the whole <paramref name="height"/>×<paramref name="width"/> stimulus.</summary>
    public bool Covers(long height, long width) => Row == 0 && Column == 0 && Height == height && Width == width;

    /// <inheritdoc/>
    public override string ToString() => $"rows {Row}..{Row + Height - 1}, columns {Column}..{Column + Width - 1}";
}
