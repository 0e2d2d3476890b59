using System.Runtime.InteropServices;

namespace Workbench.Runtime;

/// <summary>
/// Loads libtorch's natives by absolute path from the one folder that holds TorchSharp's own, before TorchSharp asks for
/// them by name.
/// </summary>
/// <remarks>
/// <para>TorchSharp first loads <c>torch_cpu</c> and <c>LibTorchSharp</c> by name. In a host without a deps.json (a
/// notebook kernel, dotnet-repl, a program that loaded the workbench by path) the runtime does not know where the natives
/// are, so the name falls through to the system linker path, which on a machine with Debian's libtorch (python3-torch,
/// libtorch-dev) finds <c>libtorch_cpu.so</c> 1.13. The 2.10 shim then fails with undefined symbols, TorchSharp reports
/// a misleading "doesn't contain a reference to libtorch-cpu-linux-x64" and copies about 478 MB into <c>cpu/</c>.</para>
/// <para>Once a library is loaded, glibc answers a later request by its SONAME (a <c>dlopen</c> by name, or a
/// <c>DT_NEEDED</c> entry) with the loaded one, whatever <c>LD_LIBRARY_PATH</c> or the linker cache say. So loading
/// the few libraries TorchSharp needs by absolute path, in dependency order, makes every later lookup land in our
/// folder. Afterwards the process's memory map is read back to prove no other libtorch was mapped.</para>
/// </remarks>
internal static class NativePreload
{
    /// <summary>Libraries TorchSharp's CPU shim needs, dependencies first. libgomp is named with a hash and globbed.</summary>
    private static readonly string[] InOrder = ["libgomp-*.so.1", "libc10.so", "libtorch_cpu.so", "libtorch.so", NativeCompatibility.LibraryFileName];

    /// <summary>File-name stems that identify a libtorch library in the process's memory map.</summary>
    private static readonly string[] TorchStems = ["libc10.so", "libtorch_cpu.so", "libtorch.so", NativeCompatibility.LibraryFileName];

    /// <summary>Loads the natives from <paramref name="directory"/>; returns <c>null</c> on success, else why it failed.</summary>
    public static string? Load(string directory)
    {
        foreach (string pattern in InOrder)
        {
            string? path = pattern.Contains('*')
                ? Directory.EnumerateFiles(directory, pattern).Order(StringComparer.Ordinal).FirstOrDefault()
                : Path.Combine(directory, pattern);
            // libgomp is optional (a build linked against the system's OpenMP has none); libtorch_cpu is not.
            if (path is null || !File.Exists(path))
            {
                if (pattern.Contains('*')) continue;
                return $"{Path.Combine(directory, pattern)} is missing; rebuild (./environment/setup.sh).";
            }
            try
            {
                NativeLibrary.Load(path);
            }
            catch (DllNotFoundException e)
            {
                return $"{path} could not be loaded: {e.Message}";
            }
        }
        return Foreign(directory) is { Count: > 0 } foreign
            ? $"the process has other libtorch libraries loaded besides those in {directory}: {string.Join(", ", foreign)}. " +
              "Load the workbench before any other torch in this process (restart the kernel or program)."
            : null;
    }

    /// <summary>Every libtorch-related file in this process's memory map (empty where /proc is unavailable).</summary>
    public static IReadOnlyList<string> Mapped()
    {
        try
        {
            return File.ReadLines("/proc/self/maps")
                .Select(line => line.IndexOf('/') is var i and >= 0 ? line[i..].Trim() : null)
                .OfType<string>()
                .Where(path => TorchStems.Any(stem => Path.GetFileName(path).StartsWith(stem, StringComparison.Ordinal)))
                .Distinct()
                .ToList();
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>Mapped libtorch files that are not in <paramref name="directory"/>.</summary>
    public static IReadOnlyList<string> Foreign(string directory)
    {
        // The memory map names files by their resolved path, so resolve ours the same way (the clone may sit behind a link).
        string dir = RealPath(directory).TrimEnd('/');
        return Mapped().Where(path => !string.Equals(Path.GetDirectoryName(path), dir, StringComparison.Ordinal)).ToList();
    }

    private static string RealPath(string path)
    {
        IntPtr resolved = realpath(Path.GetFullPath(path), IntPtr.Zero);
        if (resolved == IntPtr.Zero) return Path.GetFullPath(path);
        try
        {
            return Marshal.PtrToStringUTF8(resolved) ?? Path.GetFullPath(path);
        }
        finally
        {
            free(resolved);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern IntPtr realpath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc")]
    private static extern void free(IntPtr pointer);
}
