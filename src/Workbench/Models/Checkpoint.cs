using System.Reflection;
using System.Text.Json;
using TorchSharp;
using Workbench.Data;
using Workbench.IO;
using Workbench.Runtime;

namespace Workbench.Models;

/// <summary>
/// What travels with a model's weights (the JSON sidecar <c>&lt;weights&gt;.json</c>): how to rebuild it, how its inputs
/// were normalised, which cells it predicts, where the data came from, and how it was trained.
/// </summary>
/// <param name="Spec">The architecture.</param>
/// <param name="Normalisation">The stimulus normalisation the model was trained with (apply it to new stimuli).</param>
/// <param name="Cells">The cells, in output order.</param>
/// <param name="Data">Provenance of the training data (file, split, rate dataset, notes).</param>
/// <param name="Epoch">Epochs completed when saved.</param>
/// <param name="ValidationCorrelation">Mean validation correlation when saved, if known.</param>
/// <param name="Extra">Free-form facts (training options, notes).</param>
public sealed record CheckpointInfo(
    ModelSpec Spec,
    StimulusNormalisation? Normalisation,
    IReadOnlyList<CellInfo> Cells,
    RecordingProvenance? Data,
    int Epoch,
    double? ValidationCorrelation,
    IReadOnlyDictionary<string, string>? Extra = null)
{
    /// <summary>Identifies the sidecar format.</summary>
    public string Format { get; init; } = Checkpoint.Format;

    /// <summary>Workbench version that wrote it.</summary>
    public string WorkbenchVersion { get; init; } = typeof(Checkpoint).Assembly.GetName().Version?.ToString(3) ?? "unknown";

    /// <summary>TorchSharp version that wrote the weights.</summary>
    public string TorchSharpVersion { get; init; } =
        typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    /// <summary>The numerical self-check of the process that trained it: verdict and convolution route
    /// (<see cref="NumericsReport.Summary"/>), stamped by <see cref="Checkpoint.Save"/>.</summary>
    public string? Numerics { get; init; }

    /// <summary>When it was written.</summary>
    public DateTimeOffset Saved { get; init; } = DateTimeOffset.Now;
}

/// <summary>Saves and loads models as TorchSharp weights plus a JSON sidecar, both written atomically.</summary>
public static class Checkpoint
{
    /// <summary>The sidecar format identifier.</summary>
    public const string Format = "retina-workbench/checkpoint/1";

    /// <summary>The sidecar path of a weights file.</summary>
    public static string SidecarOf(string weights) => weights + ".json";

    /// <summary>Writes <paramref name="model"/>'s weights to <paramref name="path"/> and its sidecar next to it.</summary>
    /// <remarks>The weights go first and the sidecar last, each by rename: a sidecar never describes missing or partial weights.</remarks>
    public static void Save(RetinaModel model, string path, CheckpointInfo info)
    {
        if (JsonSerializer.Serialize(info.Spec, JsonFiles.Options) != JsonSerializer.Serialize(model.Spec, JsonFiles.Options))
            throw new ArgumentException("The checkpoint info describes another architecture than the model.", nameof(info));
        WriteWeights(model, path);
        info = info with { Numerics = info.Numerics ?? NumericsCheck.Current.Summary };
        AtomicFile.WriteAllText(SidecarOf(path), JsonSerializer.Serialize(info, JsonFiles.Options));
    }

    /// <summary>Writes only the weights, atomically (TorchSharp's own save closes the stream it is given, so it gets a writer that does not).</summary>
    public static void WriteWeights(RetinaModel model, string path) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            model.save(writer);
            writer.Flush();
        });

    /// <summary>Reads a checkpoint's sidecar.</summary>
    /// <exception cref="InvalidDataException">The sidecar is missing, unreadable or of another format; the message names it.</exception>
    public static CheckpointInfo ReadInfo(string path)
    {
        string sidecar = SidecarOf(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such checkpoint.", path);
        if (!File.Exists(sidecar)) throw new InvalidDataException($"{path}: its sidecar {sidecar} is missing, so the architecture is unknown.");
        CheckpointInfo? info;
        try
        {
            info = JsonSerializer.Deserialize<CheckpointInfo>(File.ReadAllText(sidecar), JsonFiles.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{sidecar}: not a valid checkpoint sidecar ({e.Message}).", e);
        }
        if (info is null || info.Format != Format)
            throw new InvalidDataException($"{sidecar}: format '{info?.Format}' is not {Format}.");
        return info;
    }

    /// <summary>Rebuilds the model a checkpoint describes and loads its weights, on <paramref name="device"/>.</summary>
    /// <exception cref="InvalidDataException">The weights do not fit the architecture; the message lists every key that differs.</exception>
    public static (RetinaModel Model, CheckpointInfo Info) Load(string path, torch.Device? device = null)
    {
        var info = ReadInfo(path);
        var model = RetinaModels.Create(info.Spec);
        CheckCompatible(path, model);
        model.load(path, strict: true);
        if (device is not null) model.to(device);
        model.eval();
        return (model, info);
    }

    /// <summary>Loads the weights at <paramref name="path"/> into an existing <paramref name="model"/>, after checking they fit.</summary>
    public static void LoadWeights(RetinaModel model, string path)
    {
        CheckCompatible(path, model);
        var device = model.parameters().FirstOrDefault()?.device;
        model.to(torch.CPU);
        model.load(path, strict: true);
        if (device is not null) model.to(device);
    }

    private static void CheckCompatible(string path, RetinaModel model)
    {
        var stored = WeightsFile.ReadEntries(path).ToDictionary(e => e.Key, e => e.Shape);
        var expected = model.state_dict().ToDictionary(kv => kv.Key, kv => (IReadOnlyList<long>)kv.Value.shape);
        var problems = new List<string>();
        foreach (var (key, shape) in expected)
        {
            if (!stored.TryGetValue(key, out var found)) problems.Add($"missing {key} [{string.Join(", ", shape)}]");
            else if (!found.SequenceEqual(shape)) problems.Add($"{key}: file has [{string.Join(", ", found)}], model expects [{string.Join(", ", shape)}]");
        }
        problems.AddRange(stored.Keys.Where(k => !expected.ContainsKey(k)).Select(k => $"unexpected {k}"));
        if (problems.Count > 0)
            throw new InvalidDataException($"{path}: the weights do not fit {model.Spec.Kind} ({model.Spec.Cells} cells): {string.Join("; ", problems)}.");
    }
}
