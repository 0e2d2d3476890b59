using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Workbench.TestSupport;

namespace Workbench.Tests.Support;

/// <summary>
/// readelf's view (binutils' <c>readelf -V --wide</c>: version definitions and needs) of the ELF libraries the runtime
/// tests read, committed in Runtime/Fixtures with the sha256 of each file it describes; make_readelf_fixtures.sh there
/// regenerates them. The tests thereby compare our ELF reader with readelf without needing binutils.
/// </summary>
internal static partial class ReadelfFixtures
{
    public static string Folder { get; } = RepositoryPaths.Of("tests", "Workbench.Tests", "Runtime", "Fixtures");

    /// <summary>
    /// readelf's output for the library committed as <paramref name="name"/>, after checking that <paramref name="file"/>
    /// is byte for byte the file readelf was run on.
    /// </summary>
    public static string For(string name, string file)
    {
        var sums = File.ReadLines(Path.Combine(Folder, "SHA256SUMS"))
            .Select(l => l.Split("  ", 2)).ToDictionary(p => p[1], p => p[0]);
        if (!sums.TryGetValue(name, out string? expected))
            throw new InvalidOperationException($"{Folder}/SHA256SUMS has no entry for {name}; run make_readelf_fixtures.sh there (needs binutils).");
        string actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
        if (actual != expected)
            throw new InvalidOperationException($"{file} (sha256 {actual}) is not the file readelf described in {Folder}/{name}.readelf.txt " +
                $"(sha256 {expected}). If the package or code that makes it changed on purpose, run make_readelf_fixtures.sh there (needs binutils).");
        return File.ReadAllText(Path.Combine(Folder, name + ".readelf.txt"));
    }

    /// <summary>Version needs as "file version WEAK|none", sorted, from readelf's text.</summary>
    public static List<string> Needs(string readelf)
    {
        var result = new List<string>();
        string? file = null;
        bool inNeeds = false;
        foreach (var line in readelf.Split('\n'))
        {
            if (line.StartsWith("Version needs section")) inNeeds = true;
            else if (line.StartsWith("Version ")) inNeeds = false;
            if (!inNeeds) continue;
            var f = FilePattern().Match(line);
            if (f.Success) file = f.Groups[1].Value;
            var n = NeedPattern().Match(line);
            if (n.Success) result.Add($"{file} {n.Groups[1].Value} {n.Groups[2].Value}");
        }
        return [.. result.Order()];
    }

    /// <summary>Version definitions (the library's own name included, as readelf lists it), distinct and sorted, from readelf's text.</summary>
    public static List<string> Definitions(string readelf) =>
        [.. DefinitionPattern().Matches(readelf).Select(m => m.Groups[1].Value).Distinct().Order()];

    [GeneratedRegex(@"File: (\S+)")]
    private static partial Regex FilePattern();

    [GeneratedRegex(@"Name: (\S+)\s+Flags: (\S+)")]
    private static partial Regex NeedPattern();

    [GeneratedRegex(@"Rev: \d+\s+Flags: \S+\s+Index: \d+\s+Cnt: \d+\s+Name: (\S+)")]
    private static partial Regex DefinitionPattern();
}
