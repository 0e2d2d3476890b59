using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Workbench.Runtime;

/// <summary>How to set up torch for a run. Unset values fall back to environment variables, then to defaults.</summary>
public sealed record RuntimeOptions
{
    /// <summary><c>auto</c> (CUDA when available, else CPU), <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.
    /// <c>null</c> reads <c>WORKBENCH_DEVICE</c>, else <c>auto</c>.</summary>
    public string? Device { get; init; }

    /// <summary>Seed for torch's generators (CPU and every CUDA device). <c>null</c> leaves them unseeded.</summary>
    public long? Seed { get; init; }

    /// <summary>Intra-op CPU threads. <c>null</c> reads <c>WORKBENCH_THREADS</c>, else keeps libtorch's default (one per core).</summary>
    public int? Threads { get; init; }
}

/// <summary>What <see cref="TorchRuntime.Initialize"/> found: versions, device, threads, seed and the native-library check.</summary>
/// <param name="Device">The device every model and tensor of the run should live on.</param>
/// <param name="DeviceReason">Why that device was chosen.</param>
/// <param name="WorkbenchVersion">Version of the Workbench library.</param>
/// <param name="TorchSharpVersion">Version of the managed TorchSharp assembly.</param>
/// <param name="LibTorchVersion">Version of the native libtorch.</param>
/// <param name="Backend">Torch packages the workbench was built with: cpu-linux, cpu or cuda.</param>
/// <param name="CudaAvailable">Whether libtorch can use a CUDA device.</param>
/// <param name="CudaDeviceCount">Number of CUDA devices visible.</param>
/// <param name="Threads">Intra-op CPU threads torch uses.</param>
/// <param name="Seed">The seed applied, if any.</param>
/// <param name="DotNetVersion">The .NET runtime.</param>
/// <param name="OperatingSystem">The operating system and architecture.</param>
/// <param name="LogicalCores">Logical processors available to this process.</param>
/// <param name="Native">The native-library compatibility check.</param>
/// <param name="Numerics">The numerical self-check of float32 convolutions, and what was done about it.</param>
public sealed record RuntimeReport(
    torch.Device Device,
    string DeviceReason,
    string WorkbenchVersion,
    string TorchSharpVersion,
    string LibTorchVersion,
    string Backend,
    bool CudaAvailable,
    int CudaDeviceCount,
    int Threads,
    long? Seed,
    string DotNetVersion,
    string OperatingSystem,
    int LogicalCores,
    NativeCompatibilityReport Native,
    NumericsReport Numerics)
{
    /// <summary>The report as name/value rows, in reading order.</summary>
    public IReadOnlyList<(string Name, string Value)> Rows() =>
    [
        ("device", $"{Device} ({DeviceReason})"),
        ("workbench", WorkbenchVersion),
        ("TorchSharp", TorchSharpVersion),
        ("libtorch", LibTorchVersion),
        ("backend", Backend),
        ("CUDA", CudaAvailable ? $"available, {CudaDeviceCount} device(s)" : "not available"),
        ("threads", $"{Threads} of {LogicalCores} logical cores"),
        ("seed", Seed?.ToString() ?? "not set"),
        (".NET", DotNetVersion),
        ("OS", OperatingSystem),
        ("native check", $"{Native.Status}: {Native.Message}"),
        ("natives", Native.LoadedFrom is { } dir ? $"every libtorch library from {dir}" : NativeOrigin()),
        .. Numerics.Rows().Where(r => !r.Name.StartsWith(' ')),
    ];

    /// <inheritdoc/>
    public override string ToString() => string.Join(Environment.NewLine, Rows().Select(r => $"{r.Name,-13} {r.Value}"));

    private static string NativeOrigin()
    {
        var mapped = NativePreload.Mapped();
        return mapped.Count == 0 ? "loaded by the runtime (not visible here)" : $"loaded by the runtime: {string.Join(", ", mapped)}";
    }
}

/// <summary>
/// The one place that prepares torch for a run: native-library compatibility, device choice, seeding and threads.
/// </summary>
/// <remarks>Every code path takes the device from here, so the same code runs on CPU and CUDA.</remarks>
public static class TorchRuntime
{
    /// <summary>Environment variable that overrides the device (<c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>, <c>auto</c>).</summary>
    public const string DeviceVariable = "WORKBENCH_DEVICE";

    /// <summary>Environment variable that sets the number of intra-op CPU threads.</summary>
    public const string ThreadsVariable = "WORKBENCH_THREADS";

    /// <summary>
    /// Makes torch loadable, picks the device, applies threads and seed, runs the numerical self-check (once per process;
    /// it switches the workbench's convolutions to a correct route if libtorch's are wrong here), and reports what it found.
    /// </summary>
    /// <exception cref="InvalidOperationException">TorchSharp's native library cannot be loaded here (the message says why),
    /// or CUDA was requested but is not available.</exception>
    /// <exception cref="ArgumentException">A device or thread count is malformed.</exception>
    public static RuntimeReport Initialize(RuntimeOptions? options = null)
    {
        options ??= new RuntimeOptions();
        var native = EnsureNativeLoadable();
        EnsureTorchLoaded();

        if (options.Threads is <= 0) throw new ArgumentException($"Threads must be positive, got {options.Threads}.", nameof(options));
        int? threads = options.Threads ?? ParseThreads(Environment.GetEnvironmentVariable(ThreadsVariable));
        if (threads is { } n) torch.set_num_threads(n);

        var (device, reason) = SelectDevice(options.Device);
        // Before any model runs, and before seeding: the check draws from its own generator.
        var numerics = NumericsCheck.Current;
        if (options.Seed is { } seed) SetSeed(seed);

        return new RuntimeReport(
            device,
            reason,
            typeof(TorchRuntime).Assembly.GetName().Version?.ToString(3) ?? "unknown",
            InformationalVersion(typeof(torch).Assembly),
            torch.__version__,
            typeof(TorchRuntime).Assembly.GetCustomAttribute<TorchBackendAttribute>()?.Backend ?? "unknown",
            torch.cuda.is_available(),
            torch.cuda.is_available() ? torch.cuda.device_count() : 0,
            torch.get_num_threads(),
            options.Seed,
            RuntimeInformation.FrameworkDescription,
            $"{RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})",
            Environment.ProcessorCount,
            native,
            numerics);
    }

    /// <summary>Runs the native-library check and turns an unfixable result into a clear error.</summary>
    /// <exception cref="InvalidOperationException">TorchSharp's native library cannot be loaded on this system.</exception>
    public static NativeCompatibilityReport EnsureNativeLoadable()
    {
        var report = NativeCompatibility.EnsureTorchSharpLoadable();
        if (report.Status == NativeCompatibilityStatus.Unsupported)
            throw new InvalidOperationException($"TorchSharp's native library cannot be loaded here: {report.Message}");
        return report;
    }

    /// <summary>Makes TorchSharp bind its native libraries now, turning its failure into an error that names what was loaded.</summary>
    /// <exception cref="InvalidOperationException">TorchSharp's native backend did not load.</exception>
    public static void EnsureTorchLoaded()
    {
        try
        {
            _ = torch.__version__;
        }
        catch (TypeInitializationException e)
        {
            var mapped = NativePreload.Mapped();
            string inner = e.InnerException?.Message.Split('\n')[0].Trim() ?? e.Message;
            throw new InvalidOperationException(
                "TorchSharp could not load its native libraries. " +
                (mapped.Count == 0 ? "No libtorch library is loaded in this process. " : $"Loaded in this process: {string.Join(", ", mapped)}. ") +
                $"Native check: {NativeCompatibility.EnsureTorchSharpLoadable().Message} TorchSharp said: {inner}", e);
        }
    }

    /// <summary>Chooses the device for <paramref name="preference"/> (<c>null</c>: <c>WORKBENCH_DEVICE</c>, else <c>auto</c>).</summary>
    /// <exception cref="ArgumentException">The preference is not auto, cpu, cuda or cuda:N.</exception>
    /// <exception cref="InvalidOperationException">CUDA was requested but is not available, or the index is out of range.</exception>
    public static (torch.Device Device, string Reason) SelectDevice(string? preference = null)
    {
        string source = preference is null ? $"{DeviceVariable}" : "requested";
        preference ??= Environment.GetEnvironmentVariable(DeviceVariable);
        if (string.IsNullOrWhiteSpace(preference)) (preference, source) = ("auto", "default");
        string p = preference.Trim().ToLowerInvariant();

        if (p == "auto")
            return torch.cuda.is_available()
                ? (torch.CUDA, "auto: CUDA is available")
                : (torch.CPU, "auto: no CUDA device");
        if (p == "cpu") return (torch.CPU, $"{source}: cpu");
        if (p == "cuda" || p.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!torch.cuda.is_available())
                throw new InvalidOperationException(
                    $"Device '{preference}' ({source}) needs CUDA, but none is available: this build uses the " +
                    $"'{typeof(TorchRuntime).Assembly.GetCustomAttribute<TorchBackendAttribute>()?.Backend}' torch backend " +
                    "or no NVIDIA driver/GPU was found. Build with -p:TorchBackend=cuda (see README, GPU) or use --device cpu.");
            int index = 0;
            if (p.Length > 4 && (!int.TryParse(p[5..], out index) || index < 0))
                throw new ArgumentException($"Device '{preference}' ({source}): expected cuda:N with N a device index.");
            int count = torch.cuda.device_count();
            if (index >= count)
                throw new InvalidOperationException($"Device '{preference}' ({source}): only {count} CUDA device(s) present.");
            return (torch.device(DeviceType.CUDA, index), $"{source}: {p}");
        }
        throw new ArgumentException($"Device '{preference}' ({source}) is not one of auto, cpu, cuda, cuda:N.");
    }

    /// <summary>Seeds torch's CPU generator and, where present, every CUDA generator.</summary>
    public static void SetSeed(long seed)
    {
        torch.manual_seed(seed);
        if (torch.cuda.is_available()) torch.cuda.manual_seed_all(seed);
    }

    private static int? ParseThreads(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        return int.TryParse(value, out int n) && n > 0
            ? n
            : throw new ArgumentException($"{ThreadsVariable}='{value}' is not a positive whole number.");
    }

    private static string InformationalVersion(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? assembly.GetName().Version?.ToString() ?? "unknown";
}
