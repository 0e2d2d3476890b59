using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workbench.IO;
using Workbench.Simulation;
using Workbench.TestSupport;
using Workbench.Tests.Support;

namespace Workbench.Tests.Simulation;

/// <summary>
/// The simulation cache notebooks and the quickstart share: an entry is used only when its key (every field of the
/// preset, the seed, the library build) matches in full and every file still hashes as recorded. The oracle for what an
/// entry must contain is a direct <see cref="RetinaSimulation.Run"/> of the same preset and seed (the simulator is
/// deterministic to the byte).
/// </summary>
public class SimulationCacheTests(SimulationCacheTests.GoodEntry entry) : IClassFixture<SimulationCacheTests.GoodEntry>
{
    /// <summary>One verified entry of <see cref="Micro"/>, seed 7, simulated once for the class; tests damage copies of it.</summary>
    public sealed class GoodEntry : IDisposable
    {
        private readonly TempDirectory _dir = new();

        public GoodEntry()
        {
            TestTorch.Cpu();
            Outcome = SimulationCache.Get(Micro, 7, root: _dir.Path);
        }

        public SimulationOutcome Outcome { get; }

        /// <summary>Copies the entry into a cache folder <paramref name="root"/> of its own; returns the copy's folder.</summary>
        public string CopyInto(string root)
        {
            string copy = Path.Combine(root, Path.GetFileName(Outcome.Directory));
            Directory.CreateDirectory(copy);
            foreach (string file in Directory.GetFiles(Outcome.Directory)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            return copy;
        }

        public void Dispose() => _dir.Dispose();
    }

    /// <summary>A few seconds of everything: simulates in about a second.</summary>
    private static readonly SimulationPreset Micro = SimulationPresets.Tiny with
    {
        Name = "micro", Grid = 16, Cells = 2, NaturalTrainSeconds = 2, WhiteNoiseTrainSeconds = 2, TestSeconds = 1, Repeats = 2, InterneuronSeconds = 1,
        BipolarSamples = 2, AmacrineSamples = 1, Images = 2, ImageSize = 48,
    };

    private static readonly string[] DataFiles = [RetinaSimulation.NaturalSceneFileName, RetinaSimulation.WhiteNoiseFileName, RetinaSimulation.InterneuronFileName];

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void AMiss_Simulates_AndAHit_ReturnsTheSameVerifiedFiles()
    {
        TestTorch.Cpu();
        using var dir = new TempDirectory();
        var direct = RetinaSimulation.Run(Micro, seed: 5, dir.File("direct"));

        var first = SimulationCache.Get(Micro, 5, root: dir.File("cache"));
        var second = SimulationCache.Get(Micro, 5, root: dir.File("cache"));

        Assert.False(first.Reused);
        Assert.True(second.Reused);
        Assert.Equal(first.Directory, second.Directory);
        Assert.StartsWith(dir.File("cache"), second.Directory);
        foreach (string name in DataFiles.Append(RetinaSimulation.GroundTruthFileName))
            Assert.Equal(Hash(Path.Combine(direct.Directory, name)), Hash(Path.Combine(second.Directory, name)));
        Assert.Equal(direct.Files.Select(Path.GetFileName), second.Files.Select(Path.GetFileName));
        Assert.Equal(direct.NaturalSceneRates, second.NaturalSceneRates);
        Assert.Equal(direct.WhiteNoiseRates, second.WhiteNoiseRates);
        Assert.Equal(JsonSerializer.Serialize(direct.Truth, JsonFiles.Options), JsonSerializer.Serialize(second.Truth, JsonFiles.Options));
        // Nothing but the entry is left behind (no half-built folders).
        Assert.Single(Directory.GetDirectories(dir.File("cache")));
    }

    [Fact]
    public void TheKey_HoldsEveryFieldOfThePreset_TheSeed_AndTheLibraryBuild()
    {
        var key = SimulationCache.Key(Micro, 5);
        string root = Path.GetTempPath();

        Assert.Contains(typeof(SimulationCache).Assembly.ManifestModule.ModuleVersionId.ToString(), key["workbench"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(JsonSerializer.Serialize(Micro, JsonFiles.Options)), key["preset"]), key["preset"]!.ToJsonString());
        string Folder(SimulationPreset p, int seed) => SimulationCache.EntryFolder(root, p, seed, SimulationCache.Key(p, seed));
        var folders = new[]
        {
            Folder(Micro, 5), Folder(Micro, 6), Folder(Micro with { Repeats = 3 }, 5), Folder(Micro with { Eye = Micro.Eye with { DriftStep = 0.5 } }, 5),
            Folder(Micro with { WhiteNoise = Micro.WhiteNoise with { Contrast = 0.5 } }, 5),
        };
        Assert.Equal(folders.Length, folders.Distinct().Count());
        Assert.Equal(Folder(Micro, 5), Folder(Micro with { }, 5)); // equal content, equal key
    }

    [Fact]
    public void MakingAnEntry_PrunesEntriesUnusedForTheRetentionPeriod_AndKeepsRecentOnes()
    {
        TestTorch.Cpu();
        using var dir = new TempDirectory();
        string root = dir.File("cache");
        string old = entry.CopyInto(Path.Combine(root, "old")), recent = entry.CopyInto(Path.Combine(root, "recent"));
        old = MoveUp(old, "micro-seed7-old");
        recent = MoveUp(recent, "micro-seed7-recent");
        File.SetLastWriteTimeUtc(Path.Combine(old, SimulationCache.KeyFileName), DateTime.UtcNow - SimulationCache.Retention - TimeSpan.FromHours(1));
        File.SetLastWriteTimeUtc(Path.Combine(recent, SimulationCache.KeyFileName), DateTime.UtcNow - SimulationCache.Retention + TimeSpan.FromHours(1));

        var made = SimulationCache.Get(Micro, 8, root: root);

        Assert.False(made.Reused);
        Assert.False(Directory.Exists(old));
        Assert.True(Directory.Exists(recent));
        Assert.True(Directory.Exists(made.Directory));

        string MoveUp(string folder, string name)
        {
            string target = Path.Combine(root, name);
            Directory.Move(folder, target);
            Directory.Delete(Path.GetDirectoryName(folder)!);
            return target;
        }
    }

    public static TheoryData<string> Damage() => new() { "no key file", "flipped byte", "truncated file", "another build's key", "missing file" };

    [Theory]
    [MemberData(nameof(Damage))]
    public void APartialTamperedOrForeignEntry_IsNeverReused_ButSimulatedAgain(string damage)
    {
        TestTorch.Cpu();
        using var dir = new TempDirectory();
        string folder = entry.CopyInto(dir.File("cache"));
        Assert.True(SimulationCache.Get(Micro, 7, root: dir.File("cache")).Reused); // the undamaged copy is a hit
        var expected = DataFiles.ToDictionary(n => n, n => Hash(Path.Combine(folder, n)));
        string keyFile = Path.Combine(folder, SimulationCache.KeyFileName);
        string natural = Path.Combine(folder, RetinaSimulation.NaturalSceneFileName);
        switch (damage)
        {
            case "no key file": File.Delete(keyFile); break;
            case "flipped byte":
                var bytes = File.ReadAllBytes(natural);
                bytes[bytes.Length / 2] ^= 0x20;
                File.WriteAllBytes(natural, bytes);
                break;
            case "truncated file":
                using (var s = File.Open(Path.Combine(folder, RetinaSimulation.WhiteNoiseFileName), FileMode.Open)) s.SetLength(s.Length / 2);
                break;
            case "another build's key":
                var entry = JsonNode.Parse(File.ReadAllText(keyFile))!;
                entry["key"]!["workbench"] = "0.0.0 module 00000000-0000-0000-0000-000000000000";
                File.WriteAllText(keyFile, entry.ToJsonString());
                break;
            case "missing file": File.Delete(Path.Combine(folder, RetinaSimulation.InterneuronFileName)); break;
        }

        var again = SimulationCache.Get(Micro, 7, root: dir.File("cache"));
        var verified = SimulationCache.Get(Micro, 7, root: dir.File("cache"));

        Assert.False(again.Reused, damage);
        Assert.True(verified.Reused);
        Assert.Equal(folder, again.Directory);
        foreach (string name in DataFiles)
            Assert.Equal(expected[name], Hash(Path.Combine(again.Directory, name)));
        Assert.Single(Directory.GetDirectories(dir.File("cache")));
    }
}
