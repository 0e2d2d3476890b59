using System.Text.Json;
using Workbench.TestSupport;
using Workbench.TestSupport.JsonSchema;

namespace Workbench.Cli.Tests.Support;

/// <summary>
/// Jupyter's notebook validation, as <c>nbformat.validate(nb, version=4, version_minor=5,
/// repair_duplicate_cell_ids=False)</c> does it: nbformat's own v4.5 JSON schema (committed in Fixtures/Nbformat with
/// its licence) checked by the tests' JSON Schema validator, then nbformat's check that cell ids are unique.
/// NbformatSchemaTests proves it gives Jupyter's verdicts on a committed set of valid and broken notebooks.
/// </summary>
internal static class Nbformat
{
    /// <summary>The folder holding the schema, its licence, the verdict cases and the script that regenerates them.</summary>
    public static string Folder { get; } = RepositoryPaths.Of("tests", "Workbench.Cli.Tests", "Fixtures", "Nbformat");

    private static readonly Lazy<JsonSchemaValidator> Schema = new(() => JsonSchemaValidator.Load(Path.Combine(Folder, "nbformat.v4.5.schema.json")));

    /// <summary>Null if <paramref name="notebook"/> is a valid nbformat 4.5 notebook, else what is wrong with it.</summary>
    public static string? Validate(JsonElement notebook)
    {
        // nbformat checks ids for uniqueness before the schema (validator._normalize), so its message comes first.
        if (notebook.ValueKind == JsonValueKind.Object && notebook.TryGetProperty("cells", out var cells) && cells.ValueKind == JsonValueKind.Array)
        {
            var seen = new HashSet<string>();
            foreach (var cell in cells.EnumerateArray())
                if (cell.ValueKind == JsonValueKind.Object && cell.TryGetProperty("id", out var id) && !seen.Add(id.GetRawText()))
                    return $"Non-unique cell id {id.GetRawText()} detected.";
        }
        var errors = Schema.Value.Validate(notebook);
        return errors.Count == 0 ? null : string.Join("\n", errors);
    }
}
