using System.Runtime.InteropServices;
using Workbench.Runtime;
using Workbench.Tests.Support;

namespace Workbench.Tests.Runtime;

public class OpenMpWaitingTests
{
    /// <summary>The module initializer sets GOMP_SPINCOUNT where libgomp reads it (libc's environment, not .NET's copy),
    /// unless the user chose a spin count or wait policy.</summary>
    [Fact]
    public void SpinCount_IsInTheNativeEnvironment_UnlessTheUserChoseOne()
    {
        if (!OperatingSystem.IsLinux()) return;
        TestTorch.Cpu();
        string? spins = Environment.GetEnvironmentVariable("GOMP_SPINCOUNT"), policy = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY");
        string? native = Marshal.PtrToStringAnsi(getenv("GOMP_SPINCOUNT"));

        // The user's own count, none beside a user's wait policy, else ours.
        Assert.Equal(spins ?? (policy is null ? OpenMpWaiting.SpinCount : null), native);
    }

    [DllImport("libc", CharSet = CharSet.Ansi)]
    private static extern IntPtr getenv(string name);
}
