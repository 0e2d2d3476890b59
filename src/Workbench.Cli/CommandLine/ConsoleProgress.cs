using System.Diagnostics;

namespace Workbench.Cli.CommandLine;

/// <summary>
/// A progress bar on stderr for long work: drawn in place (carriage return) on a terminal, and as an occasional plain
/// line (each new stage, and every 10 %) when stderr is redirected, so CI logs stay readable.
/// </summary>
public sealed class ConsoleProgress : IProgress<ProgressReport>, IDisposable
{
    private readonly TextWriter _writer;
    private readonly bool _interactive;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();
    private string _stage = "";
    private int _lastDecile = -1;
    private long _lastDraw;
    private int _width;

    /// <summary>Draws on <paramref name="writer"/> (stderr by default); <paramref name="interactive"/> null asks whether stderr is a terminal.</summary>
    public ConsoleProgress(TextWriter? writer = null, bool? interactive = null)
    {
        _writer = writer ?? Console.Error;
        _interactive = interactive ?? !Console.IsErrorRedirected;
    }

    /// <summary>Text after the percentage, e.g. a transfer rate; set by callers that know it.</summary>
    public string Detail { get; set; } = "";

    /// <inheritdoc/>
    public void Report(ProgressReport value)
    {
        lock (_gate)
        {
            double f = Math.Clamp(value.Fraction, 0, 1);
            string eta = f > 0.01 && f < 1 ? $" ETA {TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds * (1 - f) / f):hh\\:mm\\:ss}" : "";
            if (_interactive)
            {
                // At most ten redraws a second; always draw a change of stage and the end.
                long now = _clock.ElapsedMilliseconds;
                if (value.Stage == _stage && f < 1 && now - _lastDraw < 100) return;
                _lastDraw = now;
                int filled = (int)(f * 30);
                string line = $"\r[{new string('#', filled)}{new string('.', 30 - filled)}] {f,4:P0} {value.Stage}{Suffix()}{eta}";
                _writer.Write(line.PadRight(_width));
                _width = line.Length;
            }
            else
            {
                int decile = (int)(f * 10);
                if (value.Stage == _stage && decile == _lastDecile) return;
                _lastDecile = decile;
                _writer.WriteLine($"{f,4:P0} {value.Stage}{Suffix()}{eta} ({_clock.Elapsed.TotalSeconds:F1} s)");
            }
            _stage = value.Stage;
            _writer.Flush();
        }
    }

    private string Suffix() => Detail.Length == 0 ? "" : $" {Detail}";

    /// <summary>Ends the bar's line on a terminal.</summary>
    public void Dispose()
    {
        if (_interactive && _width > 0) _writer.WriteLine();
    }
}
