using System.Text.RegularExpressions;
using Workbench.Runtime;
using Workbench.TestSupport;
using Workbench.Tests.Support;

namespace Workbench.Tests.Runtime;

public class ElfSymbolVersionsTests
{
    [Fact]
    public void ReadNeeds_OfTorchSharpNativeLibrary_MatchesReadelf()
    {
        string lib = TorchSharpPackage.OriginalNativeLibrary();

        var ours = ElfSymbolVersions.ReadNeeds(File.ReadAllBytes(lib), lib)
            .Select(n => $"{n.File} {n.Name} {(n.Weak ? "WEAK" : "none")}").Order().ToList();

        Assert.Equal(ReadelfNeeds(lib), ours);
        Assert.Contains("libstdc++.so.6 GLIBCXX_3.4.32 none", ours);
    }

    [Fact]
    public void ReadDefinitions_OfSystemLibStdCxx_MatchesReadelf()
    {
        string libstdcxx = NativeCompatibility.EnsureTorchSharpLoadable().SystemLibStdCxx
            ?? throw new InvalidOperationException("no libstdc++ found in this process");

        var ours = ElfSymbolVersions.ReadDefinitions(File.ReadAllBytes(libstdcxx), libstdcxx).Order().ToList();

        Assert.Equal(ReadelfDefinitions(libstdcxx), ours);
        Assert.Contains("GLIBCXX_3.4", ours);
    }

    [Fact]
    public void SyntheticLibraries_ReadTheSameWithReadelfAndWithUs()
    {
        using var dir = new TempDirectory();
        string path = dir.File("libsynthetic.so.6");
        File.WriteAllBytes(path, SyntheticElf.Build(["GLIBCXX_3.4", "GLIBCXX_3.4.32"], "libstdc++.so.6", ["GLIBCXX_3.4.9", "CXXABI_1.3"]));
        byte[] image = File.ReadAllBytes(path);

        Assert.Equal(ReadelfDefinitions(path), ElfSymbolVersions.ReadDefinitions(image, path).Order().ToList());
        Assert.Equal(ReadelfNeeds(path),
            ElfSymbolVersions.ReadNeeds(image, path).Select(n => $"{n.File} {n.Name} {(n.Weak ? "WEAK" : "none")}").Order().ToList());
    }

    [Fact]
    public void MarkWeak_SetsOnlyTheWeakBitOfThatEntry()
    {
        string lib = TorchSharpPackage.OriginalNativeLibrary();
        byte[] before = File.ReadAllBytes(lib);
        byte[] after = (byte[])before.Clone();
        var need = ElfSymbolVersions.ReadNeeds(after, lib).Single(n => n.Name == NativeCompatibility.TolerableVersion);

        ElfSymbolVersions.MarkWeak(after, need);

        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
        Assert.Equal([(int)need.FlagsOffset], changed);
        Assert.Equal(before[need.FlagsOffset] | ElfSymbolVersions.WeakFlag, after[need.FlagsOffset]);
        Assert.True(ElfSymbolVersions.ReadNeeds(after, lib).Single(n => n.Name == NativeCompatibility.TolerableVersion).Weak);
    }

    [Theory]
    [InlineData("not an ELF file")]
    [InlineData("truncated")]
    public void BadInput_ThrowsInvalidData_NamingTheFile(string kind)
    {
        byte[] image = kind == "truncated"
            ? File.ReadAllBytes(TorchSharpPackage.OriginalNativeLibrary())[..4096]
            : "just some text that is long enough to be mistaken for a header, but is not one at all"u8.ToArray();

        var e = Assert.Throws<InvalidDataException>(() => ElfSymbolVersions.ReadNeeds(image, "/some/lib.so"));

        Assert.StartsWith("/some/lib.so: ", e.Message);
    }

    internal static List<string> ReadelfNeeds(string path)
    {
        string text = ExternalTool.Run("readelf", "-V", "--wide", path);
        var result = new List<string>();
        string? file = null;
        bool inNeeds = false;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("Version needs section")) inNeeds = true;
            else if (line.StartsWith("Version ")) inNeeds = false;
            if (!inNeeds) continue;
            var f = Regex.Match(line, @"File: (\S+)");
            if (f.Success) file = f.Groups[1].Value;
            var n = Regex.Match(line, @"Name: (\S+)\s+Flags: (\S+)");
            if (n.Success) result.Add($"{file} {n.Groups[1].Value} {n.Groups[2].Value}");
        }
        return result.Order().ToList();
    }

    internal static List<string> ReadelfDefinitions(string path) =>
        Regex.Matches(ExternalTool.Run("readelf", "-V", "--wide", path), @"Rev: \d+\s+Flags: \S+\s+Index: \d+\s+Cnt: \d+\s+Name: (\S+)")
            .Select(m => m.Groups[1].Value).Distinct().Order().ToList();
}
