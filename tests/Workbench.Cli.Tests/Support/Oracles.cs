using System.Text.Json;
using Workbench.TestSupport;

namespace Workbench.Cli.Tests.Support;

/// <summary>Independent checks by other implementations: Jupyter's notebook format (its schema and rules) and a real browser.</summary>
internal static class Oracles
{
    /// <summary>
    /// Validates a notebook file that must declare nbformat 4.5 against Jupyter's rules for that version (see
    /// <see cref="Nbformat"/>), without repairing anything. Returns null if valid, else what is wrong.
    /// </summary>
    public static string? NbformatError(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var nb = doc.RootElement;
        string declared = $"{(nb.TryGetProperty("nbformat", out var major) ? major.GetRawText() : "?")}.{(nb.TryGetProperty("nbformat_minor", out var minor) ? minor.GetRawText() : "?")}";
        return declared != "4.5" ? $"{path} declares nbformat {declared}, not 4.5" : Nbformat.Validate(nb);
    }

    /// <summary>Debian's chromium, or Ubuntu's chromium-browser; "chromium" (and its "not installed" message) when neither is on PATH.</summary>
    private static string Browser { get; } =
        new[] { "chromium", "chromium-browser" }.FirstOrDefault(b => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Any(dir => File.Exists(Path.Combine(dir, b)))) ?? "chromium";

    /// <summary>The DOM of an HTML file after headless Chromium has run its scripts (offline, no network).</summary>
    public static string RenderedDom(string htmlPath)
    {
        string profile = Path.Combine(Path.GetTempPath(), "workbench-chromium-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var r = ExternalTool.Start(Browser,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", "--virtual-time-budget=10000",
                "--dump-dom", new Uri(htmlPath).AbsoluteUri,
            ], timeout: TimeSpan.FromMinutes(2));
            return r.ExitCode == 0 ? r.StandardOutput : throw new InvalidOperationException($"chromium exited {r.ExitCode}: {r.StandardError}");
        }
        finally
        {
            try { Directory.Delete(profile, true); } catch (IOException) { }
        }
    }
}
