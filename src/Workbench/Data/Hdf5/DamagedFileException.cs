using System.Globalization;

namespace Workbench.Data.Hdf5;

/// <summary>
/// What <see cref="GuardedFileStream"/> found wrong while PureHDF parsed a file; <see cref="Hdf5Source"/> turns it into
/// a <see cref="RecordingFormatException"/> naming the file and the path inside it.
/// </summary>
internal sealed class DamagedFileException : IOException
{
    private DamagedFileException(string message, string detail) : base(message) => Detail = detail;

    /// <summary>Where and how, for people (appended to the error's "found" part).</summary>
    public string Detail { get; }

    /// <summary>A read needed bytes the file does not have. The message is the one PureHDF's own driver uses.</summary>
    public static DamagedFileException PastTheEnd(long at, long count, long length) =>
        new("The file is too small",
            string.Create(CultureInfo.InvariantCulture, $"a read of {count:N0} bytes at byte {at:N0} goes past its end at byte {length:N0}"));

    /// <summary>A dataset's header claims more data than the file can hold: the file was cut short, or the header is damaged.</summary>
    public static DamagedFileException TooLarge(string detail) => new("The file is too small", detail);

    /// <summary>PureHDF recursed so deep the stack is nearly exhausted: a structure (a B-tree node) contains itself.</summary>
    public static DamagedFileException Nesting() =>
        new("The file's structure nests without end", "a B-tree or group refers back to itself");

    /// <summary>One operation read far more than the file holds: its structure leads in a circle.</summary>
    public static DamagedFileException Loop(long read, long length) =>
        new("The file's structure loops",
            string.Create(CultureInfo.InvariantCulture, $"one lookup read {read:N0} bytes of a {length:N0}-byte file without finishing"));
}
