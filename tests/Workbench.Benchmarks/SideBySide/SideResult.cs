namespace Workbench.Benchmarks.SideBySide;

/// <summary>What one side measured.</summary>
/// <param name="Name">"workbench" or "peer".</param>
/// <param name="Versions">Its software, for the record.</param>
/// <param name="Parameters">Trainable parameters of its model.</param>
/// <param name="GemmGflops">Its in-process fp32 GEMM rate.</param>
/// <param name="Training">The timed training runs.</param>
/// <param name="Inference">The timed forward-only runs.</param>
public sealed record SideResult(string Name, string Versions, long Parameters, double GemmGflops, IReadOnlyList<Timing> Training, IReadOnlyList<Timing> Inference)
{
    /// <summary>Median training samples per second over the repeats.</summary>
    public double TrainingSamplesPerSecond => Timing.Median(Training.Select(t => t.SamplesPerSecond));

    /// <summary>Median forward-only samples per second over the repeats.</summary>
    public double InferenceSamplesPerSecond => Timing.Median(Inference.Select(t => t.SamplesPerSecond));

    /// <summary>Median process CPU seconds per training sample (all threads): less sensitive to other load than wall time.</summary>
    public double TrainingCpuSecondsPerSample => Timing.Median(Training.Select(t => t.CpuSeconds / (t.Steps * t.Batch)));
}
