using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace Workbench.Display;

/// <summary>
/// Keeps one FSharp.Core in a process that already holds one, as the .NET Interactive kernel does.
/// </summary>
/// <remarks>
/// The kernel (dotnet-interactive 1.0.712001) runs on FSharp.Core 10.0.0.0. Plotly.NET 6.0.0, the only version the
/// project's feed serves, is compiled against FSharp.Core 10.1.0.0, so the workbench cannot ship 10.0 (the C# compiler
/// refuses it, CS1705). Left alone, the kernel answers Plotly.NET's request for 10.1.0.0 with a second FSharp.Core
/// from the workbench's folder, while Giraffe.ViewEngine binds to the kernel's: the two disagree on every F# type and
/// the first chart fails (MissingMethodException for Giraffe.ViewEngine.Attributes.get__id). This resolver answers a
/// request for FSharp.Core that the default context cannot satisfy with the FSharp.Core already loaded there, when both
/// have the same major version (FSharp.Core keeps its API within a major version; the tests check that every
/// FSharp.Core member the workbench's assemblies use exists in the kernel's). In a process whose FSharp.Core already
/// satisfies the request (the workbench's own programs, which ship 10.1) it never runs.
/// </remarks>
public static class KernelFSharpCore
{
    private const string Name = "FSharp.Core";
    private static int _installed;

    /// <summary>How many requests this resolver answered with the already loaded FSharp.Core (for diagnostics and tests).</summary>
    public static int Unified => _unified;
    private static int _unified;

    /// <summary>Installs the resolver once per process. Runs when Workbench.dll is first used (module initializer).</summary>
    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "Must run before any Plotly.NET type resolves FSharp.Core.")]
    internal static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1) return;
        AssemblyLoadContext.Default.Resolving += (_, requested) => Resolve(requested, AssemblyLoadContext.Default.Assemblies);
    }

    /// <summary>
    /// The FSharp.Core among <paramref name="loaded"/> that should answer <paramref name="requested"/>: one of the same
    /// major version, else none (the host's own resolution then applies).
    /// </summary>
    public static Assembly? Resolve(AssemblyName requested, IEnumerable<Assembly> loaded)
    {
        if (!string.Equals(requested.Name, Name, StringComparison.OrdinalIgnoreCase)) return null;
        var match = loaded.FirstOrDefault(a => a.GetName() is { Name: Name } n && n.Version?.Major == requested.Version?.Major);
        if (match is not null) Interlocked.Increment(ref _unified);
        return match;
    }
}
