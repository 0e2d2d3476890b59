using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Workbench.TestSupport.JsonSchema;

/// <summary>
/// A JSON Schema validator for exactly the keywords of the schemas the tests use: Jupyter's nbformat v4.5 schema
/// (draft 4) and data-manifests/schema.json (draft 2020-12). The NuGet feed's validators do not implement draft 4, so
/// the tests carry this one; it is proven against Python's validators by committed verdicts (NbformatTests,
/// ManifestSchemaTests). A keyword it does not implement is an error, never silently ignored, so a schema that grows
/// past it fails loudly rather than validating less.
/// </summary>
public sealed class JsonSchemaValidator
{
    /// <summary>Keywords that carry no assertion.</summary>
    private static readonly HashSet<string> Annotations =
        ["$schema", "$id", "id", "title", "description", "default", "examples", "$comment", "definitions", "$defs"];

    /// <summary>
    /// Keywords JSON Schema does not define, which every validator ignores: nbformat's schema spells "items" as "item"
    /// for the notebook's authors, so their entries are not checked by Jupyter either.
    /// </summary>
    private static readonly HashSet<string> UnknownButPresent = ["item"];

    private static readonly HashSet<string> Assertions =
    [
        "$ref", "type", "enum", "const", "required", "properties", "patternProperties", "additionalProperties", "items",
        "minItems", "maxItems", "uniqueItems", "minLength", "maxLength", "pattern", "minimum", "maximum", "oneOf", "anyOf",
        "allOf", "not",
    ];

    private readonly JsonElement _root;
    private readonly Dictionary<string, Regex> _patterns = [];

    /// <summary>A validator for the schema <paramref name="schema"/>; its <c>$schema</c> names the draft.</summary>
    public JsonSchemaValidator(JsonElement schema)
    {
        _root = schema.Clone();
        string draft = _root.TryGetProperty("$schema", out var s) ? s.GetString() ?? "" : "";
        Dialect = draft.Contains("draft-04", StringComparison.Ordinal) ? JsonSchemaDialect.Draft04
            : draft.Contains("2020-12", StringComparison.Ordinal) ? JsonSchemaDialect.Draft202012
            : throw new NotSupportedException($"$schema '{draft}': only draft-04 and 2020-12 are implemented.");
    }

    /// <summary>The draft the schema declares.</summary>
    public JsonSchemaDialect Dialect { get; }

    /// <summary>Loads the schema file at <paramref name="path"/>.</summary>
    public static JsonSchemaValidator Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return new JsonSchemaValidator(doc.RootElement);
    }

    /// <summary>Every way <paramref name="instance"/> breaks the schema, as "location: problem"; empty if it is valid.</summary>
    public IReadOnlyList<string> Validate(JsonElement instance)
    {
        var errors = new List<string>();
        Check(_root, instance, "", errors);
        return errors;
    }

    private bool Valid(JsonElement schema, JsonElement value, string at)
    {
        var errors = new List<string>();
        Check(schema, value, at, errors);
        return errors.Count == 0;
    }

    private void Check(JsonElement schema, JsonElement value, string at, List<string> errors)
    {
        string where = at.Length == 0 ? "/" : at;
        if (schema.ValueKind == JsonValueKind.True) return;
        if (schema.ValueKind == JsonValueKind.False)
        {
            errors.Add($"{where}: no value is allowed here");
            return;
        }
        if (schema.ValueKind != JsonValueKind.Object) throw new NotSupportedException($"a schema must be an object or a boolean, found {schema.ValueKind}");
        foreach (var keyword in schema.EnumerateObject())
            if (!Assertions.Contains(keyword.Name) && !Annotations.Contains(keyword.Name) && !UnknownButPresent.Contains(keyword.Name))
                throw new NotSupportedException($"schema keyword '{keyword.Name}' is not implemented by this validator");

        if (schema.TryGetProperty("$ref", out var reference))
        {
            Check(Resolve(reference.GetString()!), value, at, errors);
            if (Dialect == JsonSchemaDialect.Draft04) return; // draft 4: $ref replaces the whole schema object
        }

        if (schema.TryGetProperty("type", out var type))
        {
            var allowed = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
            if (!allowed.Any(t => IsOfType(value, t)))
                errors.Add($"{where}: {Show(value)} is not of type {string.Join(" or ", allowed.Select(t => $"'{t}'"))}");
        }
        if (schema.TryGetProperty("enum", out var options) && !options.EnumerateArray().Any(o => JsonEqual(o, value)))
            errors.Add($"{where}: {Show(value)} is not one of {options.GetRawText()}");
        if (schema.TryGetProperty("const", out var constant) && !JsonEqual(constant, value))
            errors.Add($"{where}: {Show(value)} was expected to be {constant.GetRawText()}");
        if (schema.TryGetProperty("not", out var not) && Valid(not, value, at))
            errors.Add($"{where}: {Show(value)} must not match {not.GetRawText()}");
        if (schema.TryGetProperty("allOf", out var allOf))
            foreach (var sub in allOf.EnumerateArray())
                Check(sub, value, at, errors);
        if (schema.TryGetProperty("anyOf", out var anyOf) && !anyOf.EnumerateArray().Any(sub => Valid(sub, value, at)))
            errors.Add($"{where}: {Show(value)} matches none of the anyOf schemas");
        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            int matches = oneOf.EnumerateArray().Count(sub => Valid(sub, value, at));
            if (matches != 1)
                errors.Add($"{where}: {Show(value)} matches {matches} of the oneOf schemas, not exactly one");
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object: CheckObject(schema, value, at, where, errors); break;
            case JsonValueKind.Array: CheckArray(schema, value, at, where, errors); break;
            case JsonValueKind.String: CheckString(schema, value.GetString()!, where, errors); break;
            case JsonValueKind.Number: CheckNumber(schema, value, where, errors); break;
        }
    }

    private void CheckObject(JsonElement schema, JsonElement value, string at, string where, List<string> errors)
    {
        if (schema.TryGetProperty("required", out var required))
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                if (!value.TryGetProperty(name, out _))
                    errors.Add($"{where}: '{name}' is a required property");
        bool hasProperties = schema.TryGetProperty("properties", out var properties);
        bool hasPatterns = schema.TryGetProperty("patternProperties", out var patterns);
        bool hasAdditional = schema.TryGetProperty("additionalProperties", out var additional);
        foreach (var member in value.EnumerateObject())
        {
            string child = $"{at}/{Escape(member.Name)}";
            bool matched = false;
            if (hasProperties && properties.TryGetProperty(member.Name, out var propertySchema))
            {
                matched = true;
                Check(propertySchema, member.Value, child, errors);
            }
            if (hasPatterns)
                foreach (var pattern in patterns.EnumerateObject())
                    if (Pattern(pattern.Name).IsMatch(member.Name))
                    {
                        matched = true;
                        Check(pattern.Value, member.Value, child, errors);
                    }
            if (!matched && hasAdditional)
            {
                if (additional.ValueKind == JsonValueKind.False)
                    errors.Add($"{where}: additional property '{member.Name}' is not allowed");
                else
                    Check(additional, member.Value, child, errors);
            }
        }
    }

    private void CheckArray(JsonElement schema, JsonElement value, string at, string where, List<string> errors)
    {
        int count = value.GetArrayLength();
        if (schema.TryGetProperty("items", out var items))
        {
            if (items.ValueKind == JsonValueKind.Array) throw new NotSupportedException("tuple-form 'items' is not implemented by this validator");
            int i = 0;
            foreach (var element in value.EnumerateArray())
                Check(items, element, $"{at}/{i++}", errors);
        }
        if (schema.TryGetProperty("minItems", out var minItems) && count < minItems.GetInt32())
            errors.Add($"{where}: {count} items, fewer than {minItems.GetInt32()}");
        if (schema.TryGetProperty("maxItems", out var maxItems) && count > maxItems.GetInt32())
            errors.Add($"{where}: {count} items, more than {maxItems.GetInt32()}");
        if (schema.TryGetProperty("uniqueItems", out var unique) && unique.ValueKind == JsonValueKind.True)
        {
            var elements = value.EnumerateArray().ToList();
            for (int a = 0; a < elements.Count; a++)
                for (int b = a + 1; b < elements.Count; b++)
                    if (JsonEqual(elements[a], elements[b]))
                    {
                        errors.Add($"{where}: items {a} and {b} are equal ({Show(elements[a])}); items must be unique");
                        return;
                    }
        }
    }

    private void CheckString(JsonElement schema, string text, string where, List<string> errors)
    {
        // JSON Schema counts characters as code points (as Python's len does), not UTF-16 units.
        int length = text.EnumerateRunes().Count();
        if (schema.TryGetProperty("minLength", out var minLength) && length < minLength.GetInt32())
            errors.Add($"{where}: '{text}' is shorter than {minLength.GetInt32()} characters");
        if (schema.TryGetProperty("maxLength", out var maxLength) && length > maxLength.GetInt32())
            errors.Add($"{where}: '{text}' is longer than {maxLength.GetInt32()} characters");
        if (schema.TryGetProperty("pattern", out var pattern) && !Pattern(pattern.GetString()!).IsMatch(text))
            errors.Add($"{where}: '{text}' does not match '{pattern.GetString()}'");
    }

    private static void CheckNumber(JsonElement schema, JsonElement value, string where, List<string> errors)
    {
        double number = value.GetDouble();
        if (schema.TryGetProperty("minimum", out var minimum) && number < minimum.GetDouble())
            errors.Add($"{where}: {value.GetRawText()} is less than the minimum of {minimum.GetRawText()}");
        if (schema.TryGetProperty("maximum", out var maximum) && number > maximum.GetDouble())
            errors.Add($"{where}: {value.GetRawText()} is greater than the maximum of {maximum.GetRawText()}");
    }

    private bool IsOfType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && (WrittenAsInteger(value)
            || (Dialect != JsonSchemaDialect.Draft04 && double.IsInteger(value.GetDouble()))),
        _ => throw new NotSupportedException($"type '{type}' is not a JSON Schema type"),
    };

    private static bool WrittenAsInteger(JsonElement number) => number.GetRawText().AsSpan().IndexOfAny(".eE") < 0;

    /// <summary>JSON equality as JSON Schema defines it: numbers by value, objects regardless of member order.</summary>
    private static bool JsonEqual(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind) return false;
        switch (a.ValueKind)
        {
            case JsonValueKind.Number:
                return decimal.TryParse(a.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                    && decimal.TryParse(b.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var y)
                    ? x == y : a.GetDouble() == b.GetDouble();
            case JsonValueKind.String:
                return a.GetString() == b.GetString();
            case JsonValueKind.Array:
                return a.GetArrayLength() == b.GetArrayLength() && a.EnumerateArray().Zip(b.EnumerateArray()).All(p => JsonEqual(p.First, p.Second));
            case JsonValueKind.Object:
                var left = a.EnumerateObject().ToList();
                return left.Count == b.EnumerateObject().Count()
                    && left.All(p => b.TryGetProperty(p.Name, out var other) && JsonEqual(p.Value, other));
            default:
                return true; // true, false, null: equal kinds are equal values
        }
    }

    private JsonElement Resolve(string reference)
    {
        if (!reference.StartsWith('#')) throw new NotSupportedException($"$ref '{reference}': only references inside the schema are implemented");
        var node = _root;
        foreach (string part in reference.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            string name = Uri.UnescapeDataString(part).Replace("~1", "/").Replace("~0", "~");
            if (!node.TryGetProperty(name, out node)) throw new InvalidOperationException($"$ref '{reference}' points at nothing in the schema");
        }
        return node;
    }

    /// <summary>
    /// A schema pattern: ECMA-262 in JSON Schema, run by Python's re in the reference validators; the patterns our
    /// schemas use mean the same in .NET's dialect (unanchored search; '$' also matches before a final newline).
    /// </summary>
    private Regex Pattern(string pattern)
    {
        if (!_patterns.TryGetValue(pattern, out var regex))
            _patterns[pattern] = regex = new Regex(pattern, RegexOptions.CultureInvariant);
        return regex;
    }

    private static string Escape(string name) => name.Replace("~", "~0").Replace("/", "~1");

    private static string Show(JsonElement value)
    {
        string raw = value.GetRawText();
        return raw.Length <= 80 ? raw : raw[..77] + "...";
    }
}
