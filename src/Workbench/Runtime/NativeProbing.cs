using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace Workbench.Runtime;

/// <summary>
/// Lets TorchSharp find its natives in <c>runtimes/&lt;rid&gt;/native</c> next to TorchSharp.dll when the host has no
/// deps.json to say so (a notebook kernel that loaded the workbench's build output by path).
/// </summary>
/// <remarks>It only answers after the runtime's own probing failed, and only for TorchSharp's imports, so everything
/// still comes from the one folder beside TorchSharp.dll; applications with a deps.json never reach it.</remarks>
internal static class NativeProbing
{
    private static int _registered;

    public static void Register(Assembly torchSharp, IReadOnlyList<string> nativeDirectories)
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        var context = AssemblyLoadContext.GetLoadContext(torchSharp) ?? AssemblyLoadContext.Default;
        context.ResolvingUnmanagedDll += (assembly, name) =>
        {
            if (assembly != torchSharp) return IntPtr.Zero;
            foreach (string dir in nativeDirectories)
                foreach (string file in Candidates(name))
                {
                    string path = Path.Combine(dir, file);
                    if (File.Exists(path) && NativeLibrary.TryLoad(path, out var handle)) return handle;
                }
            return IntPtr.Zero;
        };
    }

    private static IEnumerable<string> Candidates(string name)
    {
        yield return name;
        if (OperatingSystem.IsWindows()) yield return name + ".dll";
        else if (OperatingSystem.IsMacOS()) yield return $"lib{name}.dylib";
        else yield return $"lib{name}.so";
    }
}
