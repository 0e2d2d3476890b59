using System.Diagnostics;

namespace Workbench.TestSupport;

/// <summary>What a finished process printed.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// Runs programs from tests: the two oracles that run live (h5dump and chromium, which ./environment/setup.sh installs;
/// the other oracles' answers are committed fixtures), a few coreutils, and our own CLI.
/// </summary>
public static class ExternalTool
{
    /// <summary>The Debian/Ubuntu package that brings each live oracle.</summary>
    private static readonly Dictionary<string, string> Packages = new()
    {
        ["h5dump"] = "hdf5-tools",
        ["chromium"] = "chromium",
        ["chromium-browser"] = "chromium-browser",
    };

    /// <summary>Runs <paramref name="file"/> and returns its exit code and output; never throws for a non-zero exit.</summary>
    public static ProcessResult Start(string file, IEnumerable<string> args, string? workingDirectory = null, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string?>()) start.Environment[k] = v;
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            string package = Packages.TryGetValue(file, out string? p) ? $" (package {p})" : "";
            throw new InvalidOperationException($"'{file}' is not installed{package}: {e.Message}. The tests use it as an independent oracle; " +
                "run ./environment/setup.sh, which installs it with apt-get (see environment/README.md).", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(10)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time.");
            }
            return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
        }
    }

    /// <summary>Runs <paramref name="file"/> and returns its standard output; a non-zero exit is an exception with its stderr.</summary>
    public static string Run(string file, params string[] args)
    {
        var r = Start(file, args);
        return r.ExitCode == 0 ? r.StandardOutput
            : throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {r.ExitCode}: {r.StandardError}");
    }
}
