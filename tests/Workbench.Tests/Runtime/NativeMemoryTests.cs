using Workbench.Runtime;
using Workbench.Tests.Support;

namespace Workbench.Tests.Runtime;

public class NativeMemoryTests
{
    /// <summary>On glibc the module initializer's mallopt calls succeed (mallopt returns 1 for each), unless the user tuned malloc.</summary>
    [Fact]
    public void Settings_AreApplied_OnLinux_UnlessTheUserTunedMalloc()
    {
        if (!OperatingSystem.IsLinux()) return;
        TestTorch.Cpu();
        bool userChose = NativeMemory.UserChose(Environment.GetEnvironmentVariables().Keys.Cast<string>(), Environment.GetEnvironmentVariable);
        Assert.Equal(!userChose, NativeMemory.Applied);
    }

    [Theory]
    [InlineData("PATH", null, false)]
    [InlineData("MALLOC_ARENA_MAX_", null, true)]
    [InlineData("GLIBC_TUNABLES", null, true)]
    [InlineData("MALLOC_CHECK", null, false)]            // not one of glibc's MALLOC_*_ tunables
    [InlineData("WORKBENCH_MALLOC", "default", true)]
    [InlineData("WORKBENCH_MALLOC", "tuned", false)]
    public void UserChoice_IsGlibcsOwnVariables_OrTheOptOut(string name, string? value, bool expected) =>
        Assert.Equal(expected, NativeMemory.UserChose([name], n => n == name ? value : null));
}
