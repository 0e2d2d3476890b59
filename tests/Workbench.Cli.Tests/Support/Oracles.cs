using Workbench.TestSupport;

namespace Workbench.Cli.Tests.Support;

/// <summary>Independent checks by other implementations: Jupyter's own nbformat validator and a real browser.</summary>
internal static class Oracles
{
    private const string SystemPython = "/usr/bin/python3";

    /// <summary>
    /// Validates a notebook file against the nbformat 4.5 JSON schema with the Python <c>nbformat</c> package
    /// (Debian's python3-nbformat), without letting it repair anything. Returns null if valid, else the validator's message.
    /// </summary>
    public static string? NbformatError(string path)
    {
        const string script = """
            import json, sys, nbformat
            from nbformat.validator import ValidationError
            nb = json.load(open(sys.argv[1], encoding="utf-8"))
            assert (nb["nbformat"], nb["nbformat_minor"]) == (4, 5), (nb["nbformat"], nb["nbformat_minor"])
            try:
                nbformat.validate(nb, version=4, version_minor=5, repair_duplicate_cell_ids=False)
            except ValidationError as e:
                print(e.message); sys.exit(1)
            """;
        var r = ExternalTool.Start(SystemPython, ["-c", script, path]);
        return r.ExitCode == 0 ? null : (r.StandardOutput + r.StandardError).Trim();
    }

    /// <summary>The DOM of an HTML file after headless Chromium has run its scripts (offline, no network).</summary>
    public static string RenderedDom(string htmlPath)
    {
        string profile = Path.Combine(Path.GetTempPath(), "workbench-chromium-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var r = ExternalTool.Start("chromium",
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
