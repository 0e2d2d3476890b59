using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using Workbench.IO;

namespace Workbench.Simulation;

/// <summary>
/// Simulated data sets kept between runs (notebooks, the quickstart), so a second run does not simulate again. A data
/// set is a deterministic function of the preset (every field, not just its name), the seed and the code that simulates
/// it, so the key is exactly those: the whole preset, the seed, the Workbench assembly's version and module id (a new
/// one whenever it is built from other sources or another commit) and TorchSharp's version (which pins libtorch).
/// </summary>
/// <remarks>
/// An entry is simulated into a temporary folder, its key file (<see cref="KeyFileName"/>: the key in full, and every
/// file's size and SHA-256) is written last, and the folder is renamed into place whole. A lookup uses an entry only if its
/// key file exists, its key equals this one in full, and every file still has its recorded size and hash; anything else
/// (a partial entry, a tampered or truncated file, another build's entry) is simulated again and replaced. Training runs
/// are deliberately not cached: they depend on more (options, epochs, machine numerics) and are cheaper to redo than to trust.
/// </remarks>
public static class SimulationCache
{
    /// <summary>The file in each entry that says what it is; written last.</summary>
    public const string KeyFileName = "cache-key.json";

    /// <summary>Identifies the key format.</summary>
    public const string Format = "retina-workbench/simulation-cache/1";

    /// <summary>Entries unused for this long are deleted when a new entry is made (each library build makes its own).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    /// <summary>Where entries live unless told otherwise: <c>&lt;temp&gt;/retina-workbench/simulations</c>.</summary>
    public static string DefaultRoot => Path.Combine(Path.GetTempPath(), "retina-workbench", "simulations");

    /// <summary>
    /// The simulated data set for <paramref name="preset"/> and <paramref name="seed"/>: a verified cached copy if there is
    /// one (<see cref="SimulationOutcome.Reused"/>), else a new simulation, installed in the cache.
    /// </summary>
    /// <param name="preset">What to simulate.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="progress">Simulation progress; a hit reports one line.</param>
    /// <param name="root">The cache folder (default <see cref="DefaultRoot"/>).</param>
    public static SimulationOutcome Get(SimulationPreset preset, int seed, IProgress<ProgressReport>? progress = null, string? root = null)
    {
        var clock = Stopwatch.StartNew();
        root = Path.GetFullPath(root ?? DefaultRoot);
        var key = Key(preset, seed);
        string folder = EntryFolder(root, preset, seed, key);
        if (TryOpen(folder, key, clock) is { } hit)
        {
            File.SetLastWriteTimeUtc(Path.Combine(folder, KeyFileName), DateTime.UtcNow); // last used, for pruning
            progress?.Report(new ProgressReport($"reused the cached simulation {folder} (key and file hashes verified)", 1));
            return hit;
        }
        Directory.CreateDirectory(root);
        string building = Path.Combine(root, $".building-{Path.GetFileName(folder)}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var outcome = RetinaSimulation.Run(preset, seed, building, progress);
            var files = new JsonArray(outcome.Files.Select(f => (JsonNode)new JsonObject
            {
                ["name"] = Path.GetFileName(f), ["bytes"] = new FileInfo(f).Length, ["sha256"] = Sha256(f),
            }).ToArray());
            var entry = new JsonObject
            {
                ["key"] = key.DeepClone(),
                ["files"] = files,
                ["naturalSceneRates"] = new JsonArray(outcome.NaturalSceneRates.Select(r => (JsonNode)r).ToArray()),
                ["whiteNoiseRates"] = new JsonArray(outcome.WhiteNoiseRates.Select(r => (JsonNode)r).ToArray()),
                ["created"] = DateTimeOffset.Now.ToString("O", CultureInfo.InvariantCulture),
            };
            AtomicFile.WriteAllText(Path.Combine(building, KeyFileName), entry.ToJsonString(JsonFiles.Options));
            if (Install(building, folder, key, clock) is { } theirs) return theirs;
            Prune(root, folder);
            return outcome with
            {
                Directory = folder,
                Files = outcome.Files.Select(f => Path.Combine(folder, Path.GetFileName(f))).ToList(),
                Duration = clock.Elapsed,
            };
        }
        finally
        {
            if (Directory.Exists(building)) Directory.Delete(building, recursive: true);
        }
    }

    /// <summary>The key of a data set: everything its bytes depend on.</summary>
    public static JsonObject Key(SimulationPreset preset, int seed)
    {
        var workbench = typeof(SimulationCache).Assembly;
        return new JsonObject
        {
            ["format"] = Format,
            ["preset"] = JsonSerializer.SerializeToNode(preset, JsonFiles.Options),
            ["seed"] = seed,
            ["workbench"] = $"{workbench.GetName().Version} module {workbench.ManifestModule.ModuleVersionId}",
            ["torchSharp"] = typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
        };
    }

    /// <summary>The entry folder for a key: readable name, plus a hash of the whole key so different keys never share one.</summary>
    public static string EntryFolder(string root, SimulationPreset preset, int seed, JsonObject key) =>
        Path.Combine(Path.GetFullPath(root), $"{preset.Name}-seed{seed}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToJsonString())))[..16]}");

    /// <summary>The entry in <paramref name="folder"/> if it is complete, has exactly this key and every file verifies; else null.</summary>
    private static SimulationOutcome? TryOpen(string folder, JsonObject key, Stopwatch clock)
    {
        string keyFile = Path.Combine(folder, KeyFileName);
        if (!File.Exists(keyFile)) return null;
        try
        {
            var stored = JsonNode.Parse(File.ReadAllText(keyFile));
            if (stored?["key"]?.ToJsonString() != key.ToJsonString()) return null;
            var paths = new List<string>();
            foreach (var file in stored["files"]?.AsArray() ?? [])
            {
                string name = file?["name"]?.GetValue<string>() ?? "";
                string path = Path.Combine(folder, name);
                if (name.Length == 0 || Path.GetFileName(name) != name || !File.Exists(path)
                    || new FileInfo(path).Length != file?["bytes"]?.GetValue<long>() || Sha256(path) != file?["sha256"]?.GetValue<string>())
                    return null;
                paths.Add(path);
            }
            string[] expected = [RetinaSimulation.NaturalSceneFileName, RetinaSimulation.WhiteNoiseFileName, RetinaSimulation.InterneuronFileName, RetinaSimulation.GroundTruthFileName];
            if (!paths.Select(Path.GetFileName).SequenceEqual(expected)) return null;
            var truth = GroundTruth.Load(Path.Combine(folder, RetinaSimulation.GroundTruthFileName));
            double[]? Rates(string name) => stored[name] is JsonArray values && values.All(v => v is not null)
                ? values.Select(v => v!.GetValue<double>()).ToArray() : null;
            if (Rates("naturalSceneRates") is not { } natural || Rates("whiteNoiseRates") is not { } noise) return null;
            return new SimulationOutcome(folder, paths, truth, natural, noise, clock.Elapsed) { Reused = true };
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or InvalidOperationException or FormatException)
        {
            return null; // not an entry this code wrote whole: simulate again
        }
    }

    /// <summary>
    /// Renames the finished folder into place. Returns null when ours is installed, or the entry another process
    /// finished first for the same key. A broken entry in the way is moved aside and deleted.
    /// </summary>
    private static SimulationOutcome? Install(string building, string folder, JsonObject key, Stopwatch clock)
    {
        try
        {
            Directory.Move(building, folder);
            return null;
        }
        catch (IOException) when (Directory.Exists(folder))
        {
            if (TryOpen(folder, key, clock) is { } theirs) return theirs;
        }
        string stale = $"{folder}.stale-{Guid.NewGuid():N}";
        Directory.Move(folder, stale);
        Directory.Move(building, folder);
        Directory.Delete(stale, recursive: true);
        return null;
    }

    /// <summary>
    /// Deletes entries whose key file was last used (written or hit) more than <see cref="Retention"/> ago, and folders
    /// left half-built by crashed runs as long ago. Recently used entries stay, whichever build they belong to: another
    /// checkout may be reading them.
    /// </summary>
    private static void Prune(string root, string keep)
    {
        var cutoff = DateTime.UtcNow - Retention;
        foreach (string folder in Directory.GetDirectories(root))
        {
            if (folder == keep) continue;
            string keyFile = Path.Combine(folder, KeyFileName);
            var lastUsed = File.Exists(keyFile) ? File.GetLastWriteTimeUtc(keyFile) : Directory.GetLastWriteTimeUtc(folder);
            if (lastUsed >= cutoff) continue;
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Someone else's, or in use: pruning is housekeeping, never a reason to fail.
            }
        }
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
