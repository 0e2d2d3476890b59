using System.Text.Json;
using System.Text.Json.Nodes;
using Workbench.TestSupport;
using Workbench.TestSupport.JsonSchema;

namespace Workbench.Tests.Data.Manifests;

/// <summary>
/// The tests' JSON Schema validator against Python's reference validator (jsonschema, draft 2020-12) on
/// data-manifests/schema.json: on every committed case (Fixtures/cases, valid manifests and manifests broken in one way
/// each) it must give jsonschema's verdict and report errors at the same places (Fixtures/verdicts.json, written by
/// Fixtures/make_verdicts.py).
/// </summary>
public class ManifestSchemaTests
{
    private static readonly string Folder = RepositoryPaths.Of("tests", "Workbench.Tests", "Data", "Manifests", "Fixtures");

    private static readonly JsonObject Verdicts = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "verdicts.json")))!["verdicts"]!.AsObject();

    internal static JsonSchemaValidator Schema { get; } = JsonSchemaValidator.Load(RepositoryPaths.Of("data-manifests", "schema.json"));

    public static TheoryData<string> Cases() => [.. Verdicts.Select(v => v.Key).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void OurValidator_GivesJsonschemasVerdict_AtTheSamePlaces(string name)
    {
        var expected = Verdicts[name]!["errors"]!.AsArray().Select(e => Location(e!.GetValue<string>())).Order(StringComparer.Ordinal).ToList();
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "cases", name + ".json")));

        var errors = Schema.Validate(manifest.RootElement);

        Assert.Equal(Verdicts[name]!["valid"]!.GetValue<bool>(), errors.Count == 0);
        Assert.Equal(expected, errors.Select(Location).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheCases_AreAllJudged_AndCoverBothVerdicts()
    {
        var files = Directory.GetFiles(Path.Combine(Folder, "cases"), "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);

        Assert.Equal(Verdicts.Select(v => v.Key).Order(StringComparer.Ordinal), files);
        Assert.Equal(JsonSchemaDialect.Draft202012, Schema.Dialect);
        Assert.InRange(Verdicts.Count(v => v.Value!["valid"]!.GetValue<bool>()), 5, int.MaxValue);
        Assert.InRange(Verdicts.Count(v => !v.Value!["valid"]!.GetValue<bool>()), 25, int.MaxValue);
    }

    private static string Location(string error) => error[..error.IndexOf(": ", StringComparison.Ordinal)];
}
