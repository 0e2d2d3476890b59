namespace Workbench.Data;

/// <summary>A half-open range of window indices <c>[Start, End)</c>.</summary>
/// <param name="Start">First window in the range.</param>
/// <param name="End">One past the last window.</param>
public readonly record struct WindowRange(long Start, long End)
{
    /// <summary>Number of windows in the range.</summary>
    public long Length => Math.Max(0, End - Start);

    /// <inheritdoc/>
    public override string ToString() => $"[{Start}, {End})";
}
