using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workbench.Cli.Tests.Support;

/// <summary>
/// The tests' notebook validator against Jupyter's: on every committed case (valid notebooks and notebooks broken in one
/// way each, Fixtures/Nbformat/cases), it must give the verdict python3-nbformat gave (verdicts.json, written by
/// make_verdicts.py with both of nbformat's validators).
/// </summary>
public class NbformatTests
{
    private static readonly JsonObject Verdicts =
        JsonNode.Parse(File.ReadAllText(Path.Combine(Nbformat.Folder, "verdicts.json")))!["verdicts"]!.AsObject();

    public static TheoryData<string> Cases() => [.. Verdicts.Select(v => v.Key).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void OurValidator_GivesJupytersVerdict(string name)
    {
        var verdict = Verdicts[name]!;
        using var notebook = JsonDocument.Parse(File.ReadAllText(Path.Combine(Nbformat.Folder, "cases", name + ".ipynb")));

        string? ours = Nbformat.Validate(notebook.RootElement);

        if (verdict["valid"]!.GetValue<bool>())
            Assert.True(ours is null, $"Jupyter finds {name} valid; ours says: {ours}");
        else
            Assert.True(ours is not null, $"Jupyter finds {name} invalid ({verdict["jsonschema"]}); ours finds it valid");
    }

    [Fact]
    public void TheCases_AreAllJudged_AndCoverBothVerdicts()
    {
        var files = Directory.GetFiles(Path.Combine(Nbformat.Folder, "cases"), "*.ipynb").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);

        Assert.Equal(Verdicts.Select(v => v.Key).Order(StringComparer.Ordinal), files);
        Assert.InRange(Verdicts.Count(v => v.Value!["valid"]!.GetValue<bool>()), 5, int.MaxValue);
        Assert.InRange(Verdicts.Count(v => !v.Value!["valid"]!.GetValue<bool>()), 30, int.MaxValue);
    }
}
