namespace Workbench.Models;

/// <summary>One recording a shared-core model reads out (<see cref="SharedCoreModel"/>): its id and how many cells it has.</summary>
/// <param name="Id">The recording's key: letters, digits, '-' and '_' (it names the readout's weights, <c>readouts.{Id}.…</c>).</param>
/// <param name="Cells">Its cells, in the model's output order after the recordings before it.</param>
public sealed record RecordingCells(string Id, int Cells)
{
    /// <summary>Whether <paramref name="id"/> can key a readout: non-empty, letters, digits, '-' and '_' only.</summary>
    public static bool IsValidId(string? id) => !string.IsNullOrEmpty(id) && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>An id made from a file name: its name without extension, every other character replaced by '_'.</summary>
    public static string IdFromPath(string path)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        string id = new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
        return id.Length == 0 ? "recording" : id;
    }
}
