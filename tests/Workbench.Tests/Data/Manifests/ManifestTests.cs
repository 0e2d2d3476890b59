using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Workbench.Data.Manifests;
using Workbench.TestSupport;

namespace Workbench.Tests.Data.Manifests;

public class ManifestTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> Shipped()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(RepositoryPaths.Of("data-manifests"), "*.json").Where(p => !p.EndsWith("schema.json")).Order())
            data.Add(Path.GetFileName(path));
        return data;
    }

    /// <summary>
    /// Every shipped manifest passes our loader and, independently, the JSON Schema in data-manifests/schema.json (the
    /// tests' validator, which ManifestSchemaTests proves gives Python jsonschema's verdicts).
    /// </summary>
    [Theory]
    [MemberData(nameof(Shipped))]
    public void ShippedManifests_AreValid_ByOurLoaderAndByTheJsonSchema(string name)
    {
        string path = RepositoryPaths.Of("data-manifests", name);

        var manifest = Workbench.Data.Manifests.Manifests.Load(path);

        Assert.Equal(Path.GetFileNameWithoutExtension(name), manifest.Name);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        Assert.Empty(ManifestSchemaTests.Schema.Validate(json.RootElement));
    }

    [Fact]
    public void TheDemoFile_HasItsPublishedSizeAndChecksum()
    {
        var demo = Workbench.Data.Manifests.Manifests.Load(RepositoryPaths.Of("data-manifests", "demo-tdr-data.json"));

        var file = Assert.Single(demo.Files);
        Assert.Equal((1_026_445_952L, "1718a243c0d999d7b34400083c0d1df71d5e2a274cdcbcd66a661fdb6be3bbb8"), (file.Bytes!.Value, file.Sha256!));
        Assert.Contains("15-10-07/naturalscene.h5", file.Url);
    }

    [Theory]
    [InlineData("schema", "\"other/1\"", "schema: 'other/1' is not retina-workbench/data-manifest/1")]
    [InlineData("licence", "\"\"", "licence: is required")]
    [InlineData("files[0].sha256", "\"ABC\"", "files[0].sha256: 'ABC' is not 64 lowercase hexadecimal digits")]
    [InlineData("files[0].bytes", "-5", "files[0].bytes: -5 is negative")]
    [InlineData("files[0].path", "\"../escape.h5\"", "files[0].path: '../escape.h5' must be relative")]
    [InlineData("files[0].url", "\"ftp://x/y\"", "files[0].url: 'ftp://x/y' is not an absolute http(s) URL")]
    public void InvalidFields_AreNamedWithTheFile(string field, string value, string expected)
    {
        var json = JsonNode.Parse(File.ReadAllText(RepositoryPaths.Of("data-manifests", "demo-tdr-data.json")))!.AsObject();
        if (field.StartsWith("files[0]."))
            json["files"]![0]![field["files[0].".Length..]] = JsonNode.Parse(value);
        else
            json[field] = JsonNode.Parse(value);
        string path = _dir.File("bad.json");
        File.WriteAllText(path, json.ToJsonString());

        var e = Assert.Throws<ManifestException>(() => Workbench.Data.Manifests.Manifests.Load(path));

        Assert.StartsWith($"{path}: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void MalformedJson_IsNamed()
    {
        string path = _dir.File("broken.json");
        File.WriteAllText(path, "{ \"schema\": ");

        Assert.StartsWith($"{path}: not a valid manifest", Assert.Throws<ManifestException>(() => Workbench.Data.Manifests.Manifests.Load(path)).Message);
    }

    internal static DataManifest Manifest(params ManifestFile[] files) =>
        new(DataManifest.CurrentSchema, "test-data", "t", "d", "c", "l", [], "obtain it", files);

    internal static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
