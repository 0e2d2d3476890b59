using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Workbench.Benchmarks.SideBySide;

/// <summary>
/// One <c>bncnn_peer.py --serve</c> process, kept for the whole run so that every timed run reuses its model, optimiser
/// and batch (as the workbench side does), and neither side pays interpreter or library start-up inside a timing.
/// </summary>
public sealed class PeerProcess : IDisposable
{
    /// <summary>How to install the peer's torch, for messages.</summary>
    public const string InstallHint = "install Debian's PyTorch: sudo apt-get install python3-torch (torch 1.13 for /usr/bin/python3), " +
                                      "or pass --python with an interpreter that has torch";

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private PeerProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stderr) _stderr.AppendLine(e.Data);
        };
        _process.BeginErrorReadLine();
    }

    /// <summary>The peer script shipped beside this program (copied from <c>tests/Workbench.Benchmarks/peer</c>).</summary>
    public static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "peer", "bncnn_peer.py");

    /// <summary>Starts the peer and asks what it is (<c>info</c>).</summary>
    /// <returns>The process and its <c>info</c> answer (torch and Python versions, CPU, parameter count).</returns>
    /// <exception cref="PeerUnavailableException">The interpreter, the script or torch is missing, or the peer died at start;
    /// the message says which and how to install it.</exception>
    public static (PeerProcess Peer, PeerAnswer Info) Start(string python, int threads)
    {
        if (!File.Exists(ScriptPath))
            throw new PeerUnavailableException($"The peer script {ScriptPath} is missing (the build copies tests/Workbench.Benchmarks/peer/bncnn_peer.py there).");
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ScriptPath);
        start.ArgumentList.Add("--serve");
        // Both sides get the same thread count from the start: OpenMP sizes its pool from these at start-up.
        start.Environment["OMP_NUM_THREADS"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new PeerUnavailableException($"{python} did not start; {InstallHint}.");
        }
        catch (Win32Exception e)
        {
            throw new PeerUnavailableException($"{python} cannot be run ({e.Message}); {InstallHint}.", e);
        }
        var peer = new PeerProcess(process);
        try
        {
            var info = peer.Send(PeerProtocol.Request("info"));
            if (!info.Ok)
                throw new PeerUnavailableException(info.Text("missing") == "torch" ? $"{info.Error}; {InstallHint}." : $"The PyTorch peer failed at start: {info.Error}");
            peer.Send(PeerProtocol.Request("threads", ("threads", threads))).Required("threads");
            return (peer, info);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException)
        {
            peer.Dispose();
            throw new PeerUnavailableException($"The PyTorch peer ({python} {ScriptPath}) failed at start: {e.Message}", e);
        }
        catch
        {
            peer.Dispose();
            throw;
        }
    }

    /// <summary>Sends one request line and waits for its answer.</summary>
    /// <exception cref="IOException">The peer exited; the message carries the end of its stderr.</exception>
    /// <exception cref="InvalidDataException">The answer is not a protocol line.</exception>
    public PeerAnswer Send(string request)
    {
        _process.StandardInput.WriteLine(request);
        _process.StandardInput.Flush();
        string? line = _process.StandardOutput.ReadLine();
        if (line is null)
        {
            _process.WaitForExit(5000);
            string stderr;
            lock (_stderr) stderr = _stderr.ToString().Trim();
            throw new IOException($"The peer exited{(_process.HasExited ? $" with code {_process.ExitCode}" : "")}: {Tail(stderr)}");
        }
        return PeerProtocol.Parse(line);
    }

    /// <summary>Asks the peer to quit, and ends it if it does not within a few seconds.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine(PeerProtocol.Request("quit"));
                _process.StandardInput.Close();
                if (!_process.WaitForExit(5000)) _process.Kill();
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // Already gone: nothing to end.
        }
        _process.Dispose();
    }

    private static string Tail(string text, int lines = 8) =>
        text.Length == 0 ? "(no stderr)" : string.Join(Environment.NewLine, text.Split('\n').TakeLast(lines));
}
