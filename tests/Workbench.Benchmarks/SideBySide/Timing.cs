namespace Workbench.Benchmarks.SideBySide;

/// <summary>One timed run: wall-clock and process CPU seconds of <paramref name="Steps"/> steps of <paramref name="Batch"/> samples.</summary>
public sealed record Timing(double Seconds, double CpuSeconds, int Steps, int Batch)
{
    /// <summary>Samples per wall-clock second.</summary>
    public double SamplesPerSecond => Steps * Batch / Seconds;

    /// <summary>The median of <paramref name="values"/> (the mean of the middle two for an even count).</summary>
    /// <exception cref="ArgumentException">No values.</exception>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("The median of no values.", nameof(values));
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : 0.5 * (sorted[middle - 1] + sorted[middle]);
    }
}
