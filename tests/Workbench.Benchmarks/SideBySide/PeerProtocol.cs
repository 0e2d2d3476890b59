using System.Text.Json;

namespace Workbench.Benchmarks.SideBySide;

/// <summary>
/// The line protocol of <c>peer/bncnn_peer.py --serve</c>: one JSON object per line each way. A request names its
/// <c>op</c> (info, threads, train, infer, gemm, check, export, quit) and its arguments; the answer carries <c>ok</c>.
/// </summary>
public static class PeerProtocol
{
    /// <summary>The request line for <paramref name="op"/> with <paramref name="arguments"/> (strings and numbers).</summary>
    public static string Request(string op, params (string Name, object Value)[] arguments)
    {
        var fields = new Dictionary<string, object> { ["op"] = op };
        foreach (var (name, value) in arguments) fields[name] = value;
        return JsonSerializer.Serialize(fields);
    }

    /// <summary>Parses one answer line.</summary>
    /// <exception cref="InvalidDataException">The line is not a JSON object with a boolean <c>ok</c> (e.g. the peer printed
    /// something else on stdout); the message quotes it.</exception>
    public static PeerAnswer Parse(string line)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(line);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The peer answered a line that is not JSON: '{line}' ({e.Message})", e);
        }
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("ok", out var ok) || ok.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            throw new InvalidDataException($"The peer answered a line without a boolean 'ok': '{line}'");
        return new PeerAnswer(line, root);
    }
}
