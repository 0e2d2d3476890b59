using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Workbench.Runtime;

internal static class ModuleInitializer
{
    /// <summary>Runs the native check before any workbench code can touch torch, whatever the host (CLI, tests, notebooks).</summary>
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "Hosts such as notebook kernels give the library no other hook before torch is first used.")]
    internal static void Run()
    {
        OpenMpWaiting.Apply(); // before libtorch (and its libgomp) loads
        NativeMemory.Apply();  // before libtorch allocates its first large blocks
        NativeCompatibility.EnsureTorchSharpLoadable();
    }
}
