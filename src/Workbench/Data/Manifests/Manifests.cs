using System.Text.Json;
using System.Text.RegularExpressions;
using Workbench.IO;

namespace Workbench.Data.Manifests;

/// <summary>Loads and validates dataset manifests.</summary>
public static class Manifests
{
    private static readonly Regex Sha256 = new("^[0-9a-f]{64}$", RegexOptions.Compiled);

    /// <summary>Reads and checks the manifest at <paramref name="path"/>.</summary>
    /// <exception cref="ManifestException">Missing file, malformed JSON, or an invalid field (named with its file and position).</exception>
    public static DataManifest Load(string path)
    {
        if (!File.Exists(path)) throw new ManifestException($"{path}: no such manifest.");
        DataManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<DataManifest>(File.ReadAllText(path), JsonFiles.Options);
        }
        catch (JsonException e)
        {
            throw new ManifestException($"{path}: not a valid manifest ({e.Message}).", e);
        }
        if (manifest is null) throw new ManifestException($"{path}: empty manifest.");
        Validate(manifest, path);
        return manifest;
    }

    /// <summary>Checks every field, naming the first problem.</summary>
    public static void Validate(DataManifest m, string path)
    {
        void Fail(string field, string problem) => throw new ManifestException($"{path}: {field}: {problem}.");
        if (m.Schema != DataManifest.CurrentSchema) Fail("schema", $"'{m.Schema}' is not {DataManifest.CurrentSchema}");
        foreach (var (field, value) in new[] { ("name", m.Name), ("title", m.Title), ("description", m.Description), ("citation", m.Citation), ("licence", m.Licence), ("obtain", m.Obtain) })
            if (string.IsNullOrWhiteSpace(value)) Fail(field, "is required");
        if (!Regex.IsMatch(m.Name, "^[a-z0-9][a-z0-9-]*$")) Fail("name", $"'{m.Name}' must be lowercase letters, digits and dashes");
        for (int i = 0; i < (m.Sources?.Count ?? 0); i++)
            if (!IsHttpUrl(m.Sources![i].Url)) Fail($"sources[{i}].url", $"'{m.Sources[i].Url}' is not an absolute http(s) URL");
        if (m.Files is null || m.Files.Count == 0) Fail("files", "at least one file is required");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < m.Files!.Count; i++)
        {
            var f = m.Files[i];
            string at = $"files[{i}]";
            if (string.IsNullOrWhiteSpace(f.Path)) Fail($"{at}.path", "is required");
            if (Path.IsPathRooted(f.Path) || f.Path.Split('/', '\\').Any(p => p == ".."))
                Fail($"{at}.path", $"'{f.Path}' must be relative and stay inside the dataset folder");
            if (!seen.Add(f.Path)) Fail($"{at}.path", $"'{f.Path}' is listed twice");
            if (f.Bytes is < 0) Fail($"{at}.bytes", $"{f.Bytes} is negative");
            if (f.Sha256 is not null && !Sha256.IsMatch(f.Sha256)) Fail($"{at}.sha256", $"'{f.Sha256}' is not 64 lowercase hexadecimal digits");
            if (f.Url is not null && !IsHttpUrl(f.Url)) Fail($"{at}.url", $"'{f.Url}' is not an absolute http(s) URL");
        }
    }

    /// <summary>Where a manifest's file lives below <paramref name="folder"/>.</summary>
    public static string Locate(string folder, ManifestFile file) => Path.Combine(folder, file.Path.Replace('/', Path.DirectorySeparatorChar));

    private static bool IsHttpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps);
}
