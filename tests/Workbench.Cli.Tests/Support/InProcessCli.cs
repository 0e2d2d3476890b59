using Workbench.TestSupport.Corruption;

namespace Workbench.Cli.Tests.Support;

/// <summary>What one command printed and returned.</summary>
public sealed record CliResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// Runs <c>workbench</c> commands in this process through <see cref="Program.Main"/> (the same dispatch and exit-code
/// mapping as the executable, without starting a process per case), with stdout and stderr captured and a watchdog.
/// An exception escaping <c>Main</c> is what would be a crash with a stack trace (exit 134) in a real process.
/// </summary>
internal static class InProcessCli
{
    /// <summary>Runs one command; the tests of this assembly run one at a time, so redirecting Console is safe.</summary>
    public static Attempt<CliResult> Run(TimeSpan timeout, params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        var output = new StringWriter();
        var error = new StringWriter();
        Console.SetOut(TextWriter.Synchronized(output));
        Console.SetError(TextWriter.Synchronized(error));
        try
        {
            var attempt = Watchdog.Run(() => Program.Main(args), timeout);
            return new Attempt<CliResult>(attempt.TimedOut || attempt.Error is not null ? null : new CliResult(attempt.Value, output.ToString(), error.ToString()),
                attempt.Error, attempt.TimedOut, attempt.Elapsed);
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }
}
