using System.Runtime.CompilerServices;
using Workbench.Runtime;

// Torch state (seed, threads, default dtype) is process-wide: tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Workbench.Tests.Support;

internal static class AssemblySetup
{
    /// <summary>Makes TorchSharp loadable before any test touches torch (GLIBCXX fix where the system needs it).</summary>
    [ModuleInitializer]
    internal static void Run() => NativeCompatibility.EnsureTorchSharpLoadable();
}
