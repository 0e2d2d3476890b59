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

    /// <summary>For a core shared by several recordings (<see cref="SharedCoreModel"/>), each recording's id, cells and
    /// source, in the order of <see cref="ModelSpec.Recordings"/>; <see cref="Cells"/> is their concatenation and
    /// <see cref="Data"/> the first's. Null for a model of one recording.</summary>
    public IReadOnlyList<RecordingSource>? Recordings { get; init; }

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
        if (info.Spec is null || info.Cells is null || info.Cells.Any(c => c is null))
            throw new InvalidDataException($"{sidecar}: {(info.Spec is null ? "spec" : "cells")} is missing; the sidecar is damaged.");
        return info;
    }

    /// <summary>Rebuilds the model a checkpoint describes and loads its weights, on <paramref name="device"/>.</summary>
    /// <exception cref="FileNotFoundException">There are no weights at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The sidecar or the weights are damaged, the sidecar describes a model that
    /// cannot be built, or the weights do not fit it; the message names the file and lists every key that differs.</exception>
    public static (RetinaModel Model, CheckpointInfo Info) Load(string path, torch.Device? device = null)
    {
        var info = ReadInfo(path);
        var entries = WeightsFile.ReadEntries(path); // first: its checks are bounded by the file, building the model is not
        RetinaModel model;
        try
        {
            model = RetinaModels.Create(info.Spec);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{SidecarOf(path)}: describes a {info.Spec.Kind} model that cannot be built ({e.Message}); the sidecar may be damaged.", e);
        }
        try
        {
            CheckCompatible(path, model, entries, SidecarOf(path));
            LoadChecked(model, path);
            if (device is not null) model.to(device);
            model.eval();
            return (model, info);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Loads the weights at <paramref name="path"/> into an existing <paramref name="model"/>, after checking they fit.</summary>
    /// <exception cref="InvalidDataException">The weights are damaged or do not fit the model; the message names the file.</exception>
    public static void LoadWeights(RetinaModel model, string path)
    {
        CheckCompatible(path, model, WeightsFile.ReadEntries(path));
        var device = model.parameters().FirstOrDefault()?.device;
        model.to(torch.CPU);
        LoadChecked(model, path);
        if (device is not null) model.to(device);
    }

    /// <summary>TorchSharp's load, after <see cref="CheckCompatible"/> has matched every key, type and shape: whatever it
    /// still finds wrong is the file's fault, and is reported with its name.</summary>
    private static void LoadChecked(RetinaModel model, string path)
    {
        try
        {
            model.load(path, strict: true);
        }
        catch (Exception e) when (e is not InvalidDataException and not OutOfMemoryException)
        {
            throw new InvalidDataException($"{path}: TorchSharp cannot load these weights ({e.Message}); the file may be damaged.", e);
        }
        // A model never saves non-finite weights (training stops first), so NaN or Inf here means damage.
        using var noGrad = torch.no_grad();
        var bad = model.state_dict().Where(kv => kv.Value.is_floating_point() && !kv.Value.isfinite().all().item<bool>()).Select(kv => kv.Key).ToList();
        if (bad.Count > 0)
            throw new InvalidDataException($"{path}: {string.Join(", ", bad)} hold{(bad.Count == 1 ? "s" : "")} NaN or infinite values; the file is damaged.");
    }

    /// <param name="path">The weights file.</param>
    /// <param name="model">The model they must fit.</param>
    /// <param name="entries">The file's entries.</param>
    /// <param name="sidecar">The sidecar that described the model, when it was built from one: either file may be the damaged one, so the message names both.</param>
    private static void CheckCompatible(string path, RetinaModel model, IReadOnlyList<WeightsEntry> entries, string? sidecar = null)
    {
        var stored = new Dictionary<string, WeightsEntry>();
        foreach (var e in entries)
            if (!stored.TryAdd(e.Key, e)) throw new InvalidDataException($"{path}: entry '{e.Key}' appears twice; the file is damaged.");
        var expected = model.state_dict().ToDictionary(kv => kv.Key, kv => (Shape: (IReadOnlyList<long>)kv.Value.shape, Type: (int)kv.Value.dtype));
        var problems = new List<string>();
        foreach (var (key, (shape, type)) in expected)
        {
            if (!stored.TryGetValue(key, out var found)) problems.Add($"missing {key} [{string.Join(", ", shape)}]");
            else if (!found.Shape.SequenceEqual(shape)) problems.Add($"{key}: file has [{string.Join(", ", found.Shape)}], model expects [{string.Join(", ", shape)}]");
            else if (found.ScalarType != type) problems.Add($"{key}: file has scalar type {found.ScalarType}, model expects {type} ({(torch.ScalarType)type})");
        }
        problems.AddRange(stored.Keys.Where(k => !expected.ContainsKey(k)).Select(k => $"unexpected {k}"));
        if (problems.Count > 0)
            throw new InvalidDataException(sidecar is null
                ? $"{path}: the weights do not fit {model.Spec.Kind} ({model.Spec.Cells} cells): {string.Join("; ", problems)}."
                : $"{path}: the weights do not fit the {model.Spec.Kind} ({model.Spec.Cells} cells) that {sidecar} describes (one of the two is damaged, or they belong to different models): {string.Join("; ", problems)}.");
    }
}
