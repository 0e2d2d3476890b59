namespace Workbench.Training;

/// <summary>
/// A run directory cannot be used for what was asked: it ended by divergence (so it is neither resumed nor evaluated),
/// it already holds a run and a new one was asked for, or there is nothing in it to resume. Nothing was changed.
/// </summary>
public sealed class RunDirectoryException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The run directory.</param>
    /// <param name="message">What is wrong and what to do, naming the folder.</param>
    public RunDirectoryException(string path, string message) : base(message) => Path = path;

    /// <summary>The run directory.</summary>
    public string Path { get; }
}
