using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace Workbench.Benchmarks;

/// <summary>A short job: these benchmarks run for seconds per operation on a 2-core machine, so few iterations suffice.</summary>
public sealed class ShortConfig : ManualConfig
{
    public ShortConfig()
    {
        AddJob(Job.ShortRun.WithWarmupCount(2).WithIterationCount(5).WithLaunchCount(1));
    }
}
