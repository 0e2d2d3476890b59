using System.Text.Json;

namespace Workbench.Data.Manifests;

/// <summary>Where a dataset can be found: a landing page, DOI, mirror or download.</summary>
/// <param name="Kind">landing, doi, mirror, repository, paper.</param>
/// <param name="Url">Absolute http(s) URL.</param>
public sealed record ManifestSource(string Kind, string Url);

/// <summary>One file of a dataset.</summary>
/// <param name="Path">Relative path below the dataset folder (forward slashes).</param>
/// <param name="Url">Direct download URL, if there is one.</param>
/// <param name="Bytes">Size in bytes, if known.</param>
/// <param name="Sha256">SHA-256 of the content (64 lowercase hex digits), if known.</param>
/// <param name="Description">What the file holds.</param>
/// <param name="Note">Anything to know (why size or checksum are unknown, how to obtain it).</param>
public sealed record ManifestFile(string Path, string? Url, long? Bytes, string? Sha256, string? Description, string? Note);

/// <summary>How a generated dataset is produced (the synthetic presets).</summary>
/// <param name="Command">The command that writes it.</param>
/// <param name="Preset">The simulator preset.</param>
/// <param name="Seed">The seed.</param>
public sealed record ManifestGeneration(string Command, string Preset, int Seed);

/// <summary>The cells of one recording session that the paper analysed.</summary>
/// <param name="Indices">Indices into the response arrays.</param>
/// <param name="Centres">Receptive-field centres (row, column) in checkers, in the same order.</param>
public sealed record ManifestCells(IReadOnlyList<int> Indices, IReadOnlyList<double[]>? Centres);

/// <summary>
/// A dataset manifest (schema <c>retina-workbench/data-manifest/1</c>, documented in data-manifests/README.md): what the
/// dataset is, how to cite it, its licence, where it comes from, its files with sizes and checksums where known, its
/// HDF5 layout, and the cells the paper used.
/// </summary>
public sealed record DataManifest(
    string Schema,
    string Name,
    string Title,
    string Description,
    string Citation,
    string Licence,
    IReadOnlyList<ManifestSource> Sources,
    string Obtain,
    IReadOnlyList<ManifestFile> Files,
    JsonElement? Layout = null,
    IReadOnlyDictionary<string, ManifestCells>? Cells = null,
    ManifestGeneration? Generated = null)
{
    /// <summary>The schema this code reads.</summary>
    public const string CurrentSchema = "retina-workbench/data-manifest/1";
}
