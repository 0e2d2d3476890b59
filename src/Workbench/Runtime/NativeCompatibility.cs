using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Workbench.Runtime;

/// <summary>What <see cref="NativeCompatibility"/> found and did.</summary>
public enum NativeCompatibilityStatus
{
    /// <summary>Not Linux x64, switched off, or no <c>libLibTorchSharp.so</c> next to TorchSharp: nothing to check.</summary>
    NotApplicable,
    /// <summary>The system libstdc++ defines every version TorchSharp's native library needs: nothing was changed.</summary>
    Compatible,
    /// <summary>The copy of <c>libLibTorchSharp.so</c> in the application folder was patched just now.</summary>
    Patched,
    /// <summary>The copy had been patched before (by an earlier run or by setup).</summary>
    AlreadyPatched,
    /// <summary>TorchSharp will not load and the workbench cannot safely fix it; <see cref="NativeCompatibilityReport.Message"/> says why.</summary>
    Unsupported,
}

/// <summary>The outcome of the native-library check.</summary>
/// <param name="Status">What was found and done.</param>
/// <param name="Library">The <c>libLibTorchSharp.so</c> examined, if any.</param>
/// <param name="SystemLibStdCxx">The libstdc++ this process uses, if found.</param>
/// <param name="MissingVersions">libstdc++ versions the library needs (non-weak) that the system does not define.</param>
/// <param name="Message">One sentence for people: what happened and, if anything is wrong, what to do.</param>
public sealed record NativeCompatibilityReport(
    NativeCompatibilityStatus Status,
    string? Library,
    string? SystemLibStdCxx,
    IReadOnlyList<string> MissingVersions,
    string Message)
{
    /// <summary>The folder every libtorch native of this process was loaded from, once the workbench has loaded them
    /// (<c>null</c> when it left loading to the runtime).</summary>
    public string? LoadedFrom { get; init; }
}

/// <summary>
/// Makes TorchSharp 0.107's native library load on systems whose libstdc++ predates GCC 13 (Debian 12, Ubuntu 22.04).
/// </summary>
/// <remarks>
/// <para><c>libLibTorchSharp.so</c> 0.107.0 was built on Ubuntu 26.04 and so needs <c>GLIBCXX_3.4.32</c>, yet only one
/// symbol carries that version (<c>std::ios_base_library_init</c>) and no relocation uses it. Marking that single
/// version-need entry weak makes glibc accept its absence. TorchSharp would otherwise fail with a misleading
/// "doesn't contain a reference to libtorch-cpu" error.</para>
/// <para>The fix is narrow: it runs only on Linux x64, only when the libstdc++ this process actually uses lacks
/// <c>GLIBCXX_3.4.32</c>, only when that is the <em>only</em> missing version, and only on the copy of the library in an
/// application's own output folder (replaced atomically by rename, so hard links into the NuGet cache are broken, never
/// written through). System files and the NuGet cache are never modified. All libtorch natives keep loading from that
/// one folder. Set <c>WORKBENCH_NATIVE_COMPAT=off</c> to skip it.</para>
/// </remarks>
public static class NativeCompatibility
{
    /// <summary>The one libstdc++ version the fix tolerates the absence of.</summary>
    public const string TolerableVersion = "GLIBCXX_3.4.32";

    /// <summary>File name of TorchSharp's native shim on Linux.</summary>
    public const string LibraryFileName = "libLibTorchSharp.so";

    private static readonly Lazy<NativeCompatibilityReport> Default = new(() =>
    {
        var directories = DefaultNativeDirectories();
        NativeProbing.Register(typeof(TorchSharp.torch).Assembly, directories);
        var report = EnsureLoadable(directories);
        if (report.Status is NativeCompatibilityStatus.NotApplicable or NativeCompatibilityStatus.Unsupported || report.Library is null)
            return report;
        // Only where the workbench found TorchSharp's shim beside it: a host with a deps.json loads natives by full path anyway,
        // but one without (a kernel, dotnet-repl) would otherwise find whatever libtorch the system linker path offers first.
        string directory = Path.GetDirectoryName(report.Library)!;
        return NativePreload.Load(directory) is { } failure
            ? report with
            {
                Status = NativeCompatibilityStatus.Unsupported,
                Message = $"libtorch must load from {directory}, but {failure}",
            }
            : report with { LoadedFrom = directory };
    });

    /// <summary>
    /// Checks, and if needed patches, the <c>libLibTorchSharp.so</c> this process will load. Idempotent and cheap after
    /// the first call (the result is cached). Never throws: problems are reported in the returned record.
    /// </summary>
    public static NativeCompatibilityReport EnsureTorchSharpLoadable() => Default.Value;

    /// <summary>Checks, and if needed patches, the first <c>libLibTorchSharp.so</c> found in <paramref name="nativeDirectories"/>.</summary>
    public static NativeCompatibilityReport EnsureLoadable(IEnumerable<string> nativeDirectories)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return NotApplicable("Not Linux x64: TorchSharp's own native loading applies.");
        if (string.Equals(Environment.GetEnvironmentVariable("WORKBENCH_NATIVE_COMPAT"), "off", StringComparison.OrdinalIgnoreCase))
            return NotApplicable("Switched off by WORKBENCH_NATIVE_COMPAT=off.");
        string? library = nativeDirectories.Select(d => Path.Combine(d, LibraryFileName)).FirstOrDefault(File.Exists);
        if (library is null)
            return NotApplicable($"No {LibraryFileName} next to TorchSharp; TorchSharp's own native loading applies.");
        string? libstdcxx = LoadedLibStdCxx();
        if (libstdcxx is null)
            return new(NativeCompatibilityStatus.Unsupported, library, null, [], "Could not find the libstdc++.so.6 this process uses.");
        try
        {
            return EnsureLoadable(library, libstdcxx);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return new(NativeCompatibilityStatus.Unsupported, library, libstdcxx, [], e.Message);
        }
    }

    /// <summary>Checks one library against one libstdc++ and patches the library if that is both needed and safe.</summary>
    /// <exception cref="IOException">The library could not be read or replaced.</exception>
    /// <exception cref="InvalidDataException">Either file is not a 64-bit little-endian ELF file.</exception>
    public static NativeCompatibilityReport EnsureLoadable(string library, string libstdcxx)
    {
        var defined = ElfSymbolVersions.ReadDefinitions(File.ReadAllBytes(libstdcxx), libstdcxx);
        byte[] image = File.ReadAllBytes(library);
        var fromStdCxx = ElfSymbolVersions.ReadNeeds(image, library)
            .Where(n => n.File.StartsWith("libstdc++.so", StringComparison.Ordinal) && !defined.Contains(n.Name))
            .ToList();
        var missing = fromStdCxx.Where(n => !n.Weak).ToList();
        var names = missing.Select(n => n.Name).ToList();

        if (missing.Count == 0)
            return fromStdCxx.Count == 0
                ? new(NativeCompatibilityStatus.Compatible, library, libstdcxx, [], $"{libstdcxx} provides every version {LibraryFileName} needs.")
                : new(NativeCompatibilityStatus.AlreadyPatched, library, libstdcxx, [],
                    $"{library} was already patched ({string.Join(", ", fromStdCxx.Select(n => n.Name))} marked weak).");

        if (missing.Any(n => n.Name != TolerableVersion))
            return new(NativeCompatibilityStatus.Unsupported, library, libstdcxx, names,
                $"{libstdcxx} lacks {string.Join(", ", names)}, needed by {library}; only {TolerableVersion} can be worked around. " +
                "Install a newer libstdc++ (GCC 13 or later).");

        string? packageRoot = NuGetPackageRoot(library);
        if (packageRoot is not null)
            return new(NativeCompatibilityStatus.Unsupported, library, libstdcxx, names,
                $"{libstdcxx} lacks {TolerableVersion} and TorchSharp is loaded from the NuGet package folder {packageRoot}, " +
                "which the workbench never modifies. Reference the workbench's build output instead " +
                "(#r \"<repo>/src/Workbench/bin/Debug/net10.0/Workbench.dll\" after ./environment/setup.sh).");

        foreach (var need in missing) ElfSymbolVersions.MarkWeak(image, need);
        ReplaceAtomically(library, image);
        return new(NativeCompatibilityStatus.Patched, library, libstdcxx, names,
            $"{libstdcxx} lacks {TolerableVersion}; marked that one version need weak in {library}.");
    }

    /// <summary>The folders TorchSharp probes first for its natives in this process.</summary>
    public static IReadOnlyList<string> DefaultNativeDirectories()
    {
        var roots = new List<string>();
        // Where TorchSharp.dll lives decides where TorchSharp looks; AppContext.BaseDirectory covers single-folder publishes.
        string? torchSharp = TorchSharpAssemblyDirectory();
        if (torchSharp is not null) roots.Add(torchSharp);
        roots.Add(AppContext.BaseDirectory);
        return roots.Distinct()
            .SelectMany(r => new[] { Path.Combine(r, "runtimes", "linux-x64", "native"), r })
            .ToList();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string? TorchSharpAssemblyDirectory()
    {
        // typeof() loads the managed assembly only; the native backend is bound later, on first use of torch.
        string location = typeof(TorchSharp.torch).Assembly.Location;
        return string.IsNullOrEmpty(location) ? null : Path.GetDirectoryName(location);
    }

    private static string? LoadedLibStdCxx()
    {
        string? found = FindInMaps();
        if (found is null && NativeLibrary.TryLoad("libstdc++.so.6", out _)) found = FindInMaps();
        return found;

        static string? FindInMaps()
        {
            try
            {
                return File.ReadLines("/proc/self/maps")
                    .Select(line => line.IndexOf('/') is var i and >= 0 ? line[i..] : null)
                    .FirstOrDefault(path => path is not null && Path.GetFileName(path).StartsWith("libstdc++.so", StringComparison.Ordinal));
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    private static string? NuGetPackageRoot(string library)
    {
        // A package keeps natives in <id>/<version>/runtimes/<rid>/native, with its .nupkg.metadata in <version>.
        var dir = new DirectoryInfo(Path.GetDirectoryName(Path.GetFullPath(library))!);
        for (int up = 0; up < 4 && dir is not null; up++, dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, ".nupkg.metadata")) || dir.EnumerateFiles("*.nupkg.sha512").Any())
                return dir.FullName;
        return null;
    }

    private static void ReplaceAtomically(string path, byte[] content)
    {
        string temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
            File.Move(temp, path, overwrite: true);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException($"Cannot replace {path}: {e.Message} Rebuild as the folder's owner or run ./environment/setup.sh.", e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static NativeCompatibilityReport NotApplicable(string message) =>
        new(NativeCompatibilityStatus.NotApplicable, null, null, [], message);
}
