using System.Diagnostics;

namespace Workbench.TestSupport;

/// <summary>What a finished process printed.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>Runs programs from tests: independent oracles (readelf, python3 with nbformat/h5py, chromium) and our own CLI.</summary>
public static class ExternalTool
{
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
            throw new InvalidOperationException($"'{file}' is not installed ({e.Message}). The tests use it as an oracle; .ci/run and environment/setup.sh --test-tools install it.", e);
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
