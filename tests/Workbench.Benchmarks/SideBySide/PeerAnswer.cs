using System.Text.Json;

namespace Workbench.Benchmarks.SideBySide;

/// <summary>One line the peer answered: <c>"ok": true</c> and the command's fields, or <c>"ok": false</c> and an error.</summary>
/// <param name="Line">The line as received, for messages.</param>
/// <param name="Root">The parsed JSON object.</param>
public sealed record PeerAnswer(string Line, JsonElement Root)
{
    /// <summary>Whether the command succeeded.</summary>
    public bool Ok => Root.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True;

    /// <summary>The peer's error message, when not <see cref="Ok"/>.</summary>
    public string? Error => Root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    /// <summary>A number field.</summary>
    /// <exception cref="InvalidDataException">The field is missing or not a number.</exception>
    public double Number(string name) =>
        Root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble()
            : throw new InvalidDataException($"The peer's answer has no number '{name}': {Line}");

    /// <summary>A string field, or null when absent.</summary>
    public string? Text(string name) =>
        Root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>An array of numbers.</summary>
    /// <exception cref="InvalidDataException">The field is missing or holds something else.</exception>
    public double[] Numbers(string name)
    {
        if (!Root.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Number))
            throw new InvalidDataException($"The peer's answer has no array of numbers '{name}'.");
        return v.EnumerateArray().Select(e => e.GetDouble()).ToArray();
    }

    /// <summary>The answer if it succeeded.</summary>
    /// <exception cref="InvalidOperationException">The peer reported an error; the message is the peer's.</exception>
    public PeerAnswer Required(string op) =>
        Ok ? this : throw new InvalidOperationException($"The PyTorch peer failed '{op}': {Error ?? Line}");
}
