using System.Runtime.InteropServices;

namespace Workbench.Runtime;

/// <summary>
/// Switches libtorch's use of oneDNN (mkldnn) for CPU operations on and off, as PyTorch's
/// <c>torch.backends.mkldnn.enabled</c> does. TorchSharp does not expose that switch, so this calls libtorch's own
/// <c>at::Context::setUserEnabledMkldnn</c> in the <c>libtorch_cpu</c> this process has loaded.
/// </summary>
/// <remarks>
/// <para>With oneDNN off, libtorch computes float32 convolutions with its own im2col + GEMM kernels: correct where
/// oneDNN's direct kernels are not, but far slower (about 50x for the BN-CNN's first layer) — and bf16 matrix products
/// fall back to a scalar loop. So the workbench never switches it off for the whole process, only around the calls that
/// need it (<see cref="Disabled"/>).</para>
/// <para>The flag is process-wide: a <see cref="Disabled"/> scope also affects other threads running torch at the same time.</para>
/// </remarks>
public static class OneDnn
{
    private const string GlobalContextSymbol = "_ZN2at13globalContextEv";
    private const string SetEnabledSymbol = "_ZN2at7Context20setUserEnabledMkldnnEb";
    private const string GetEnabledSymbol = "_ZNK2at7Context17userEnabledMkldnnEv";
    private const string SetNnpackSymbol = "_ZN2at7Context20setUserEnabledNNPACKEb";
    private const string GetNnpackSymbol = "_ZNK2at7Context17userEnabledNNPACKEv";

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr GlobalContextFunction();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void SetEnabledFunction(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    [return: MarshalAs(UnmanagedType.U1)]
    private delegate bool GetEnabledFunction(IntPtr context);

    private sealed record Binding(IntPtr Context, SetEnabledFunction Set, GetEnabledFunction Get, SetEnabledFunction SetNnpack, GetEnabledFunction GetNnpack);

    private static readonly Lazy<(Binding? Binding, string Reason)> Bound = new(Bind);
    private static readonly object Gate = new();
    private static int _disabledDepth;
    private static bool _restoreMkldnn, _restoreNnpack;

    /// <summary>Whether this process can switch oneDNN (the libtorch in use exports the switch).</summary>
    public static bool Switchable => Bound.Value.Binding is not null;

    /// <summary>Why the switch is unavailable, or where it was found.</summary>
    public static string SwitchDescription => Bound.Value.Reason;

    /// <summary>Whether libtorch currently uses oneDNN for CPU operations (null when the switch is unavailable).</summary>
    public static bool? Enabled => Bound.Value.Binding is { } b ? b.Get(b.Context) : null;

    /// <summary>
    /// Keeps libtorch from trying NNPACK for the rest of the process. libtorch considers NNPACK only for the few float32
    /// convolutions oneDNN does not take; where NNPACK does not support the CPU it logs a warning on every such call, and
    /// where it does, it would run kernels the numerical self-check never verified. Returns false when the switch is unavailable.
    /// </summary>
    public static bool DisableNnpack()
    {
        if (Bound.Value.Binding is not { } binding) return false;
        lock (Gate)
        {
            if (_disabledDepth > 0) _restoreNnpack = false;
            else binding.SetNnpack(binding.Context, false);
        }
        return true;
    }

    /// <summary>
    /// Turns oneDNN off until the returned scope is disposed (scopes nest; the outermost restores the previous state).
    /// NNPACK is switched off with it, so the convolutions that run are libtorch's im2col + GEMM kernels, the ones the
    /// self-check verifies (NNPACK would otherwise be tried, and on CPUs it does not support, warn on every call).
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The libtorch in this process does not export the switch.</exception>
    public static IDisposable Disabled()
    {
        var binding = Bound.Value.Binding ?? throw new PlatformNotSupportedException($"oneDNN cannot be switched off here: {Bound.Value.Reason}");
        lock (Gate)
        {
            if (_disabledDepth++ == 0)
            {
                (_restoreMkldnn, _restoreNnpack) = (binding.Get(binding.Context), binding.GetNnpack(binding.Context));
                binding.Set(binding.Context, false);
                binding.SetNnpack(binding.Context, false);
            }
        }
        return new Scope(binding);
    }

    private sealed class Scope(Binding binding) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            lock (Gate)
            {
                if (--_disabledDepth == 0)
                {
                    binding.Set(binding.Context, _restoreMkldnn);
                    binding.SetNnpack(binding.Context, _restoreNnpack);
                }
            }
        }
    }

    private static (Binding?, string) Bind()
    {
        // The managed side of TorchSharp must have loaded its natives first; this is cheap once done.
        _ = TorchSharp.torch.get_num_threads();
        string? path = LoadedLibTorchCpu();
        if (path is null) return (null, "libtorch_cpu is not among the libraries this process has loaded (not Linux, or another torch build).");
        if (!NativeLibrary.TryLoad(path, out var handle)) return (null, $"{path} could not be opened again by path.");
        if (!NativeLibrary.TryGetExport(handle, GlobalContextSymbol, out var globalContext)
            || !NativeLibrary.TryGetExport(handle, SetEnabledSymbol, out var set)
            || !NativeLibrary.TryGetExport(handle, GetEnabledSymbol, out var get)
            || !NativeLibrary.TryGetExport(handle, SetNnpackSymbol, out var setNnpack)
            || !NativeLibrary.TryGetExport(handle, GetNnpackSymbol, out var getNnpack))
            return (null, $"{path} does not export at::Context::setUserEnabledMkldnn (another libtorch version or platform).");
        var context = Marshal.GetDelegateForFunctionPointer<GlobalContextFunction>(globalContext)();
        return (new Binding(context, Marshal.GetDelegateForFunctionPointer<SetEnabledFunction>(set),
            Marshal.GetDelegateForFunctionPointer<GetEnabledFunction>(get), Marshal.GetDelegateForFunctionPointer<SetEnabledFunction>(setNnpack),
            Marshal.GetDelegateForFunctionPointer<GetEnabledFunction>(getNnpack)), $"at::Context in {path}");
    }

    /// <summary>The path of the <c>libtorch_cpu.so</c> mapped into this process (by path, so a system libtorch of another
    /// version elsewhere on the linker path can never be picked up instead).</summary>
    private static string? LoadedLibTorchCpu()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            return File.ReadLines("/proc/self/maps")
                .Select(line => line.IndexOf('/') is var i and >= 0 ? line[i..].Trim() : null)
                .FirstOrDefault(p => p is not null && Path.GetFileName(p) == "libtorch_cpu.so");
        }
        catch (IOException)
        {
            return null;
        }
    }
}
