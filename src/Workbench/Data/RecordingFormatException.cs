namespace Workbench.Data;

/// <summary>
/// A recording file is unusable: a group or dataset is missing, a shape or type is wrong, values are NaN or infinite,
/// the file is truncated. The message names the file, the path inside it, what was expected and what was found.
/// </summary>
public sealed class RecordingFormatException : Exception
{
    /// <summary>Creates the error.</summary>
    /// <param name="file">The file.</param>
    /// <param name="path">The group or dataset inside it ("/" for the file itself).</param>
    /// <param name="expected">What the reader needed.</param>
    /// <param name="found">What it found.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public RecordingFormatException(string file, string path, string expected, string found, Exception? inner = null)
        : base($"{file}: {path}: expected {expected}, found {found}.", inner)
    {
        File = file;
        PathInFile = path;
        Expected = expected;
        Found = found;
    }

    /// <summary>The file.</summary>
    public string File { get; }

    /// <summary>The group or dataset inside the file.</summary>
    public string PathInFile { get; }

    /// <summary>What was expected.</summary>
    public string Expected { get; }

    /// <summary>What was found.</summary>
    public string Found { get; }
}
