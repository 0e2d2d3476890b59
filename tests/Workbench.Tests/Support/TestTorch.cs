using Workbench.Runtime;

namespace Workbench.Tests.Support;

/// <summary>Pins what numerical tests depend on: CPU, a seed and the thread count.</summary>
internal static class TestTorch
{
    /// <summary>Threads used by every numerical test, so reduction order (and so rounding) is the same on every machine.</summary>
    public const int Threads = 2;

    public static RuntimeReport Cpu(long seed = 1234) =>
        TorchRuntime.Initialize(new RuntimeOptions { Device = "cpu", Seed = seed, Threads = Threads });
}
