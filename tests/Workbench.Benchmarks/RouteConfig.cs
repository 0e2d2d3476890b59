using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Workbench.Runtime;

namespace Workbench.Benchmarks;

/// <summary>
/// The short job three times, once per way of computing float32 convolutions: libtorch's own kernels as they are
/// (wrong on AMD Zen 5, see <see cref="NumericsCheck"/>), the workbench's channel-padded route, and libtorch's kernels with
/// oneDNN's ISA capped at AVX (the environment-variable fix, which must be set before the process starts).
/// </summary>
public sealed class RouteConfig : ManualConfig
{
    public RouteConfig()
    {
        var job = Job.ShortRun.WithWarmupCount(2).WithIterationCount(5).WithLaunchCount(1);
        AddJob(job.WithEnvironmentVariables(new EnvironmentVariable(NumericsCheck.RouteVariable, "native")).WithId("libtorch"));
        AddJob(job.WithEnvironmentVariables(new EnvironmentVariable(NumericsCheck.RouteVariable, "channel-padded")).WithId("channel-padded"));
        AddJob(job.WithEnvironmentVariables(
            new EnvironmentVariable(NumericsCheck.RouteVariable, "native"), new EnvironmentVariable("ONEDNN_MAX_CPU_ISA", "AVX")).WithId("libtorch-isa-avx"));
    }
}
