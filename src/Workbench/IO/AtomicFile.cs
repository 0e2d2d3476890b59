using System.Text;

namespace Workbench.IO;

/// <summary>Writes files whole or not at all: content goes to a temporary file in the same folder, then is renamed over the target.</summary>
/// <remarks>A crash or an exception mid-write leaves the previous file (or none) in place, never a truncated one.</remarks>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark) to <paramref name="path"/>.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        });

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>.</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>Lets <paramref name="write"/> fill a temporary file, flushes it to disk, then renames it to <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The folder cannot be written; the message names the path.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException($"Cannot write {full}: {e.Message}", e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
