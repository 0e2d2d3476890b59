using Workbench.Runtime;
using Workbench.TestSupport;
using Workbench.Tests.Support;

namespace Workbench.Tests.Runtime;

/// <summary>
/// Our ELF symbol-version reader against readelf's view of the same files (committed in Fixtures/ with their sha256,
/// written by Fixtures/make_readelf_fixtures.sh) and against the dynamic linker's verdict on this system's libstdc++.
/// </summary>
public class ElfSymbolVersionsTests
{
    private static List<string> Needs(byte[] image, string path) =>
        [.. ElfSymbolVersions.ReadNeeds(image, path).Select(n => $"{n.File} {n.Name} {(n.Weak ? "WEAK" : "none")}").Order()];

    [Fact]
    public void ReadNeeds_OfTorchSharpNativeLibrary_MatchesReadelf()
    {
        string lib = TorchSharpPackage.OriginalNativeLibrary();
        string readelf = ReadelfFixtures.For("libLibTorchSharp.so", lib);

        var ours = Needs(File.ReadAllBytes(lib), lib);

        Assert.Equal(ReadelfFixtures.Needs(readelf), ours);
        Assert.Contains("libstdc++.so.6 GLIBCXX_3.4.32 none", ours);
    }

    /// <summary>GCC's OpenMP runtime as shipped in the libtorch package: a GNU-built library that defines and needs versions.</summary>
    [Fact]
    public void ReadDefinitionsAndNeeds_OfAGnuBuiltLibrary_MatchReadelf()
    {
        string lib = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native"), "libgomp-*.so.1").Single();
        string readelf = ReadelfFixtures.For(Path.GetFileName(lib), lib);
        byte[] image = File.ReadAllBytes(lib);

        var definitions = ElfSymbolVersions.ReadDefinitions(image, lib).Order().ToList();

        Assert.Equal(ReadelfFixtures.Definitions(readelf), definitions);
        Assert.Contains("GOMP_1.0", definitions);
        Assert.Equal(ReadelfFixtures.Needs(readelf), Needs(image, lib));
    }

    /// <summary>
    /// Oracle: the dynamic linker. Torch is loaded in this process, so ld.so found every version that the loaded
    /// libLibTorchSharp.so needs (without the weak flag) from libstdc++ in the system's libstdc++: our reader must list each.
    /// </summary>
    [Fact]
    public void ReadDefinitions_OfSystemLibStdCxx_HoldEveryVersionTheDynamicLinkerResolved()
    {
        var report = NativeCompatibility.EnsureTorchSharpLoadable();
        string libstdcxx = report.SystemLibStdCxx ?? throw new InvalidOperationException("no libstdc++ found in this process");
        Assert.Equal(3, (int)TorchSharp.torch.ones(3).sum().item<float>());
        var resolved = ElfSymbolVersions.ReadNeeds(File.ReadAllBytes(report.Library!), report.Library!)
            .Where(n => n.File == "libstdc++.so.6" && !n.Weak).Select(n => n.Name).ToList();

        var ours = ElfSymbolVersions.ReadDefinitions(File.ReadAllBytes(libstdcxx), libstdcxx).ToHashSet();

        Assert.True(resolved.Count >= 10, $"only {resolved.Count} libstdc++ versions needed");
        Assert.All(resolved, v => Assert.Contains(v, ours));
        Assert.Contains("GLIBCXX_3.4", ours);
    }

    /// <summary>The synthetic library is committed (Fixtures/libsynthetic.so.6) with readelf's view of it; SyntheticElf must still write exactly it.</summary>
    [Fact]
    public void SyntheticLibraries_ReadTheSameWithReadelfAndWithUs()
    {
        byte[] built = SyntheticElf.Build(["GLIBCXX_3.4", "GLIBCXX_3.4.32"], "libstdc++.so.6", ["GLIBCXX_3.4.9", "CXXABI_1.3"]);
        string committed = Path.Combine(ReadelfFixtures.Folder, "libsynthetic.so.6");
        if (!built.AsSpan().SequenceEqual(File.ReadAllBytes(committed)))
        {
            string fresh = Path.Combine(Path.GetTempPath(), "libsynthetic.so.6");
            File.WriteAllBytes(fresh, built);
            Assert.Fail($"SyntheticElf.Build no longer writes {committed}. If that change is intended, copy {fresh} there and run make_readelf_fixtures.sh (needs binutils).");
        }
        string readelf = ReadelfFixtures.For("libsynthetic.so.6", committed);

        Assert.Equal(ReadelfFixtures.Definitions(readelf), ElfSymbolVersions.ReadDefinitions(built, committed).Order().ToList());
        Assert.Equal(ReadelfFixtures.Needs(readelf), Needs(built, committed));
        Assert.Equal(["CXXABI_1.3", "GLIBCXX_3.4.9"], ReadelfFixtures.Needs(readelf).Select(n => n.Split(' ')[1]).Order());
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
}
