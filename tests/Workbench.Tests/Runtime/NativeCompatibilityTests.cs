using System.Diagnostics;
using Workbench.Runtime;
using Workbench.TestSupport;
using Workbench.Tests.Support;

namespace Workbench.Tests.Runtime;

public class NativeCompatibilityTests
{
    /// <summary>Every libstdc++ version TorchSharp's native library needs except the one GCC 13 added: Debian 12's situation.</summary>
    private static List<string> OldLibStdCxxVersions(string lib) =>
        ElfSymbolVersions.ReadNeeds(File.ReadAllBytes(lib), lib)
            .Where(n => n.File == "libstdc++.so.6" && n.Name != NativeCompatibility.TolerableVersion)
            .Select(n => n.Name).ToList();

    private static (TempDirectory Dir, string Lib, string OldStdCxx, string NewStdCxx) Setup(string? subfolder = null)
    {
        var dir = new TempDirectory();
        string original = TorchSharpPackage.OriginalNativeLibrary();
        string folder = subfolder is null ? dir.Path : Path.Combine(dir.Path, subfolder);
        Directory.CreateDirectory(folder);
        string lib = Path.Combine(folder, NativeCompatibility.LibraryFileName);
        File.Copy(original, lib);
        var old = OldLibStdCxxVersions(original);
        string oldStd = dir.File("libstdc++-12.so.6"), newStd = dir.File("libstdc++-13.so.6");
        File.WriteAllBytes(oldStd, SyntheticElf.Build(old));
        File.WriteAllBytes(newStd, SyntheticElf.Build([.. old, NativeCompatibility.TolerableVersion]));
        return (dir, lib, oldStd, newStd);
    }

    [Fact]
    public void OldLibStdCxx_PatchesExactlyTheOneEntry_ThenIsIdempotent()
    {
        var (dir, lib, oldStd, _) = Setup();
        using var _ = dir;
        byte[] before = File.ReadAllBytes(lib);

        var first = NativeCompatibility.EnsureLoadable(lib, oldStd);
        byte[] patched = File.ReadAllBytes(lib);
        var second = NativeCompatibility.EnsureLoadable(lib, oldStd);

        Assert.Equal(NativeCompatibilityStatus.Patched, first.Status);
        Assert.Equal([NativeCompatibility.TolerableVersion], first.MissingVersions);
        Assert.Single(Enumerable.Range(0, before.Length), i => before[i] != patched[i]);
        // Oracle: the same byte set independently (dd at the offset readelf reports), and readelf's view of that file.
        var readelf = ReadelfFixtures.Needs(ReadelfFixtures.For("libLibTorchSharp.patched.so", lib));
        Assert.Contains($"libstdc++.so.6 {NativeCompatibility.TolerableVersion} WEAK", readelf);
        Assert.Single(readelf, l => l.EndsWith(" WEAK"));

        Assert.Equal(NativeCompatibilityStatus.AlreadyPatched, second.Status);
        Assert.Equal(patched, File.ReadAllBytes(lib));
    }

    [Fact]
    public void NewLibStdCxx_LeavesTheLibraryUntouched()
    {
        var (dir, lib, _, newStd) = Setup();
        using var _ = dir;
        byte[] before = File.ReadAllBytes(lib);

        var report = NativeCompatibility.EnsureLoadable(lib, newStd);

        Assert.Equal(NativeCompatibilityStatus.Compatible, report.Status);
        Assert.Empty(report.MissingVersions);
        Assert.Equal(before, File.ReadAllBytes(lib));
    }

    [Fact]
    public void OtherMissingVersions_AreReported_AndNothingIsPatched()
    {
        var (dir, lib, _, _) = Setup();
        using var _ = dir;
        string ancient = dir.File("libstdc++-ancient.so.6");
        File.WriteAllBytes(ancient, SyntheticElf.Build(OldLibStdCxxVersions(lib).Where(v => v != "GLIBCXX_3.4.30").ToList()));
        byte[] before = File.ReadAllBytes(lib);

        var report = NativeCompatibility.EnsureLoadable(lib, ancient);

        Assert.Equal(NativeCompatibilityStatus.Unsupported, report.Status);
        Assert.Equal(["GLIBCXX_3.4.30", NativeCompatibility.TolerableVersion], report.MissingVersions.Order());
        Assert.Contains("GLIBCXX_3.4.30", report.Message);
        Assert.Equal(before, File.ReadAllBytes(lib));
    }

    [Fact]
    public void LibraryInsideANuGetPackageFolder_IsNeverModified()
    {
        var (dir, lib, oldStd, _) = Setup(subfolder: "torchsharp/0.107.0/runtimes/linux-x64/native");
        using var _ = dir;
        File.WriteAllText(Path.Combine(dir.Path, "torchsharp/0.107.0/.nupkg.metadata"), "{}");
        byte[] before = File.ReadAllBytes(lib);

        var report = NativeCompatibility.EnsureLoadable(lib, oldStd);

        Assert.Equal(NativeCompatibilityStatus.Unsupported, report.Status);
        Assert.Contains("NuGet package folder", report.Message);
        Assert.Equal(before, File.ReadAllBytes(lib));
    }

    [Fact]
    public void HardLinkedCopy_IsReplaced_WithoutWritingThroughTheLink()
    {
        var (dir, lib, oldStd, _) = Setup();
        using var _ = dir;
        string cacheCopy = dir.File("cache-copy.so");
        File.Move(lib, cacheCopy);
        Process.Start("ln", [cacheCopy, lib])!.WaitForExit();
        byte[] before = File.ReadAllBytes(cacheCopy);

        var report = NativeCompatibility.EnsureLoadable(lib, oldStd);

        Assert.Equal(NativeCompatibilityStatus.Patched, report.Status);
        Assert.Equal(before, File.ReadAllBytes(cacheCopy));
        Assert.NotEqual(before, File.ReadAllBytes(lib));
    }

    [Fact]
    public void ThisProcess_CanUseTorch_AndTheCheckMatchesTheSystem()
    {
        var report = NativeCompatibility.EnsureTorchSharpLoadable();
        string libstdcxx = report.SystemLibStdCxx!;
        bool systemIsNew = ElfSymbolVersions.ReadDefinitions(File.ReadAllBytes(libstdcxx), libstdcxx).Contains(NativeCompatibility.TolerableVersion);

        Assert.Equal(3, (int)TorchSharp.torch.ones(3).sum().item<float>());
        NativeCompatibilityStatus[] expected = systemIsNew
            ? [NativeCompatibilityStatus.Compatible]
            : [NativeCompatibilityStatus.Patched, NativeCompatibilityStatus.AlreadyPatched];
        Assert.Contains(report.Status, expected);
        Assert.StartsWith(Path.GetFullPath(AppContext.BaseDirectory), Path.GetFullPath(report.Library!));
    }
}
