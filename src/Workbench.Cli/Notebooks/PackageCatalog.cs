using System.Reflection;
using Microsoft.CodeAnalysis;

namespace Workbench.Cli.Notebooks;

/// <summary>A NuGet package the runner carries: its version and the assembly files it contributes.</summary>
/// <param name="Id">Package id as published.</param>
/// <param name="Version">The version this build restored.</param>
/// <param name="Assemblies">File names of its managed assemblies (empty for native-only packages such as libtorch).</param>
public sealed record CarriedPackage(string Id, string Version, IReadOnlyList<string> Assemblies);

/// <summary>
/// The packages this program was built with, recorded at build time. <c>#r "nuget: X"</c> in a notebook is answered
/// from here: the runner never downloads anything, so a notebook can only use what the workbench itself references.
/// </summary>
public sealed class PackageCatalog
{
    /// <summary>Package ids that other notebooks use for what the workbench provides as TorchSharp plus a libtorch build.</summary>
    private static readonly string[] TorchSharpBundles =
        ["TorchSharp-cpu", "TorchSharp-cuda-linux", "TorchSharp-cuda-windows", "libtorch-cpu", "libtorch-cpu-linux-x64"];

    private readonly Dictionary<string, CarriedPackage> _packages;

    /// <summary>Makes a catalog from explicit entries (tests use this).</summary>
    public PackageCatalog(IEnumerable<CarriedPackage> packages) =>
        _packages = packages.ToDictionary(p => p.Id, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every package carried, by id.</summary>
    public IReadOnlyCollection<CarriedPackage> Packages => _packages.Values;

    /// <summary>The catalog embedded in this program at build time.</summary>
    public static PackageCatalog Embedded { get; } = LoadEmbedded();

    /// <summary>
    /// Resolves a <c>#r "nuget: id[, version]"</c> request. Returns the package that satisfies it and, when it is not an
    /// exact match (a TorchSharp bundle alias, another version), a note saying what is used instead.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The workbench does not carry the package; the message lists what it does carry.</exception>
    public (CarriedPackage Package, string? Note) Resolve(string id, string? version)
    {
        string? note = null;
        if (!_packages.TryGetValue(id, out var package))
        {
            if (TorchSharpBundles.Contains(id, StringComparer.OrdinalIgnoreCase) && _packages.TryGetValue("TorchSharp", out package))
                note = $"'{id}' is provided by the workbench's TorchSharp {package.Version} with its own libtorch build.";
            else
                throw new KeyNotFoundException(
                    $"#r \"nuget: {id}\": the workbench does not carry package '{id}' and the runner never downloads packages. " +
                    $"Available: {string.Join(", ", Listed().Select(p => p.Id))}.");
        }
        else if (!string.IsNullOrWhiteSpace(version) && !string.Equals(version.Trim(), package.Version, StringComparison.OrdinalIgnoreCase))
        {
            note = $"'{id}' {version.Trim()} was requested; the workbench carries {package.Version} and uses that.";
        }
        return (package, note);
    }

    /// <summary>Metadata references for a package's assemblies, taken from this process so no second copy is ever loaded.</summary>
    public static IEnumerable<MetadataReference> References(CarriedPackage package)
    {
        foreach (string file in package.Assemblies)
        {
            string name = Path.GetFileNameWithoutExtension(file);
            string? path = AppDomain.CurrentDomain.GetAssemblies()
                .FirstOrDefault(a => !a.IsDynamic && string.Equals(a.GetName().Name, name, StringComparison.OrdinalIgnoreCase))?.Location;
            if (string.IsNullOrEmpty(path)) path = Path.Combine(AppContext.BaseDirectory, file);
            if (File.Exists(path)) yield return MetadataReference.CreateFromFile(path);
        }
    }

    private IEnumerable<CarriedPackage> Listed() =>
        _packages.Values.Where(p => !p.Id.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)).OrderBy(p => p.Id, StringComparer.OrdinalIgnoreCase);

    private static PackageCatalog LoadEmbedded()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("notebook-packages.tsv")
            ?? throw new InvalidOperationException("The package catalog resource is missing from this build.");
        var rows = new StreamReader(stream).ReadToEnd()
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t'))
            .Where(f => f.Length >= 2);
        return new PackageCatalog(rows
            .GroupBy(f => f[0], StringComparer.OrdinalIgnoreCase)
            .Select(g => new CarriedPackage(g.Key, g.First()[1],
                g.Select(f => f.Length > 2 ? f[2] : "").Where(a => a.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)).Distinct().ToList())));
    }
}
