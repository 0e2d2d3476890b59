using System.Globalization;
using System.Text.RegularExpressions;

namespace Workbench.TestSupport;

/// <summary>What h5dump says of one dataset: its stored type, shape, chunk shape (null if not chunked) and filters.</summary>
public sealed record H5DumpDataset(string Type, long[] Shape, long[]? Chunks, bool Shuffle, bool Deflate);

/// <summary>
/// Reads HDF5 files with h5dump (Debian's hdf5-tools, the HDF Group's own tool on the reference C library): an
/// independent reader for the files our writers make. Live, not a fixture, because its input is our own output;
/// ./environment/setup.sh installs it.
/// </summary>
public static partial class H5Dump
{
    private const string Tool = "h5dump";

    /// <summary>Type, shape, chunking and filters of the dataset at <paramref name="path"/>.</summary>
    public static H5DumpDataset Dataset(string file, string path)
    {
        string text = ExternalTool.Run(Tool, "-p", "-H", "-d", path, file);
        string type = TypePattern().Match(text) is { Success: true } t ? t.Groups[1].Value
            : text.Contains("H5T_STRING") ? "H5T_STRING" : throw Unexpected(text, file, path);
        var space = SpacePattern().Match(text);
        if (!space.Success) throw Unexpected(text, file, path);
        var chunked = ChunkPattern().Match(text);
        return new H5DumpDataset(type, Dims(space.Groups[1].Value), chunked.Success ? Dims(chunked.Groups[1].Value) : null,
            text.Contains("SHUFFLE"), text.Contains("DEFLATE"));
    }

    /// <summary>Every value of a numeric dataset, in storage order, printed by h5dump with 17 significant digits.</summary>
    public static double[] Numbers(string file, string path) =>
        [.. NumberPattern().Matches(Data(ExternalTool.Run(Tool, "-y", "-w", "0", "-m", "%.17g", "-d", path, file), file, path))
            .Select(m => double.Parse(m.Value, NumberStyles.Float, CultureInfo.InvariantCulture))];

    /// <summary>Every value of a string dataset.</summary>
    public static string[] Strings(string file, string path) =>
        [.. StringPattern().Matches(Data(ExternalTool.Run(Tool, "-y", "-w", "0", "-d", path, file), file, path)).Select(m => Regex.Unescape(m.Groups[1].Value))];

    /// <summary>The value of a string attribute, e.g. <c>/source</c> or <c>/train/stimulus/units</c>.</summary>
    public static string StringAttribute(string file, string path) =>
        StringPattern().Matches(Data(ExternalTool.Run(Tool, "-y", "-w", "0", "-a", path, file), file, path)).Select(m => Regex.Unescape(m.Groups[1].Value)).Single();

    /// <summary>The names of the objects directly inside the group at <paramref name="group"/>, sorted (ordinal).</summary>
    public static List<string> Members(string file, string group)
    {
        string prefix = group.TrimEnd('/') + "/";
        return [.. ContentsPattern().Matches(ExternalTool.Run(Tool, "-n", "1", file))
            .Where(m => m.Groups[1].Value != "attribute")
            .Select(m => m.Groups[2].Value)
            .Where(p => p.StartsWith(prefix, StringComparison.Ordinal) && p.Length > prefix.Length && !p[prefix.Length..].Contains('/'))
            .Select(p => p[prefix.Length..])
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>h5dump's exit code on <c>-H</c> (header only): 0 if the reference library reads the whole file's structure.</summary>
    public static ProcessResult Header(string file) => ExternalTool.Start(Tool, ["-H", file]);

    private static string Data(string text, string file, string path)
    {
        int start = text.IndexOf("DATA {", StringComparison.Ordinal);
        if (start < 0) throw Unexpected(text, file, path);
        int end = text.IndexOf('}', start);
        return text[(start + "DATA {".Length)..end];
    }

    private static long[] Dims(string list) => [.. list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(long.Parse)];

    private static InvalidOperationException Unexpected(string text, string file, string path) =>
        new($"h5dump printed something unexpected for {file}:{path}:\n{text}");

    [GeneratedRegex(@"DATATYPE\s+(H5T_[A-Z0-9_]+)\s")]
    private static partial Regex TypePattern();

    [GeneratedRegex(@"DATASPACE\s+SIMPLE\s*\{\s*\(\s*([\d,\s]+)\)")]
    private static partial Regex SpacePattern();

    [GeneratedRegex(@"CHUNKED\s*\(\s*([\d,\s]+)\)")]
    private static partial Regex ChunkPattern();

    [GeneratedRegex(@"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")]
    private static partial Regex NumberPattern();

    [GeneratedRegex("\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex StringPattern();

    [GeneratedRegex(@"^\s*(group|dataset|attribute|datatype|link|ext link)\s+(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex ContentsPattern();
}
