using System.Diagnostics;

namespace Workbench.TestSupport.Corruption;

/// <summary>
/// Puts every damaged copy of a source through one entry point and collects what went wrong: an exception of a type
/// the entry point does not document, an error whose message does not name the file, a call that did not finish in
/// time, or a truncated copy read "successfully" into something other than the intact file's result (a cut changes no
/// byte, so a reader that succeeds must have read only bytes that are there, and agree with the intact read).
/// </summary>
public sealed class CorpusReport
{
    /// <summary>Longest one case may take before it counts as a hang.</summary>
    public static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(30);

    private CorpusReport(string title) => Title = title;

    /// <summary>Source and entry point.</summary>
    public string Title { get; }

    /// <summary>Cases run.</summary>
    public int Cases { get; private set; }

    /// <summary>Cases that completed without an error.</summary>
    public int Succeeded { get; private set; }

    /// <summary>Cases refused with a documented error.</summary>
    public int Refused { get; private set; }

    /// <summary>Everything that broke the contract, one line each.</summary>
    public List<string> Violations { get; } = [];

    /// <summary>Refusals by cause: the underlying exception's type and message start (what the reader caught and translated).</summary>
    public SortedDictionary<string, int> Causes { get; } = new(StringComparer.Ordinal);

    /// <summary>Wall time for all cases.</summary>
    public TimeSpan Elapsed { get; private set; }

    /// <summary>Slowest single case.</summary>
    public TimeSpan Slowest { get; private set; }

    /// <summary>One line for the test log.</summary>
    public string Summary =>
        $"{Title}: {Cases} damaged copies, {Succeeded} read, {Refused} refused with a documented error, {Violations.Count} violations; " +
        $"{Elapsed.TotalSeconds:F1} s (slowest {Slowest.TotalMilliseconds:F0} ms); causes: {string.Join("; ", Causes.Select(c => $"{c.Value} x {c.Key}"))}";

    /// <summary>Writes each damage to its own file in <paramref name="folder"/> and calls <paramref name="entry"/> on it.</summary>
    /// <param name="title">Source and entry point, for messages.</param>
    /// <param name="damages">The damaged copies.</param>
    /// <param name="folder">Where to write them (each file is deleted after its case).</param>
    /// <param name="fileName">The name each copy gets (prefixed by its case number).</param>
    /// <param name="entry">Opens the file and returns a fingerprint of everything it read.</param>
    /// <param name="intact">The fingerprint of the intact source.</param>
    /// <param name="documented">Whether an exception is one the entry point documents for bad files.</param>
    public static CorpusReport Run(string title, IReadOnlyList<Damage> damages, string folder, string fileName, Func<string, string> entry,
        string intact, Func<Exception, bool> documented)
    {
        var report = new CorpusReport(title);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < damages.Count; i++)
        {
            var damage = damages[i];
            string path = Path.Combine(folder, $"case{i:D4}-{fileName}");
            File.WriteAllBytes(path, damage.Bytes);
            var attempt = Watchdog.Run(() => entry(path), CaseTimeout);
            report.Cases++;
            if (attempt.Elapsed > report.Slowest) report.Slowest = attempt.Elapsed;
            string what = $"{title}, {damage.Name}";
            if (attempt.TimedOut) report.Violations.Add($"{what}: no result after {CaseTimeout.TotalSeconds:F0} s (hang)");
            else if (attempt.Error is { } e)
            {
                if (!documented(e)) report.Violations.Add($"{what}: undocumented {e.GetType().FullName}: {e.Message} {FirstFrames(e)}");
                else if (!e.Message.Contains(path, StringComparison.Ordinal)) report.Violations.Add($"{what}: the message does not name the file: {e.Message}");
                else
                {
                    report.Refused++;
                    var cause = e.InnerException ?? e;
                    string key = cause == e ? $"{e.GetType().Name} (checked)" : cause.GetType().Name == "DamagedFileException" ? cause.Message : cause.GetType().Name;
                    report.Causes[key] = report.Causes.GetValueOrDefault(key) + 1;
                }
            }
            else
            {
                report.Succeeded++;
                if (damage.Kind == DamageKind.Cut && attempt.Value != intact)
                    report.Violations.Add($"{what}: read a truncated copy without error, and got something else than the intact file: {Shorten(attempt.Value)} vs {Shorten(intact)}");
            }
            if (!attempt.TimedOut) File.Delete(path);
        }
        report.Elapsed = clock.Elapsed;
        return report;
    }

    private static string FirstFrames(Exception e) =>
        "at " + string.Join(" < ", (e.StackTrace ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(3).Select(l => l.Trim().Replace("at ", "")));

    private static string Shorten(string? s) => s is null ? "null" : s.Length <= 200 ? s : s[..200] + "…";
}
