namespace Workbench.Benchmarks.SideBySide;

/// <summary>The PyTorch peer cannot run here; the message names what is missing and how to install it.</summary>
public sealed class PeerUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PeerUnavailableException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
