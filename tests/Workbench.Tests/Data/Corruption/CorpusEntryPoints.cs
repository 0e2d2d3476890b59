using System.Security.Cryptography;
using System.Text.Json;
using TorchSharp;
using Workbench.Data;
using Workbench.Data.DeepRetina;
using Workbench.Data.Inspection;
using Workbench.Data.Interneurons;
using Workbench.Data.Manifests;
using Workbench.IO;
using Workbench.Models;
using Workbench.Simulation;

namespace Workbench.Tests.Data.Corruption;

/// <summary>
/// The library entry points that open each kind of file, each returning a fingerprint of everything it read (tensors
/// hashed, metadata as JSON, the file's own path left out), and the error type each documents for a bad file.
/// </summary>
public static class CorpusEntryPoints
{
    /// <summary>Entry-point names by source kind.</summary>
    public static IReadOnlyList<string> For(SourceKind kind) => kind switch
    {
        SourceKind.DeepRetina => ["FileInspector.Inspect", "FileInspector.Inspect --stats", "DeepRetinaFile.Read train", "DeepRetinaFile.Read test"],
        SourceKind.Interneurons => ["FileInspector.Inspect", "InterneuronFile.Read"],
        SourceKind.Weights => ["Checkpoint.Load", "WeightsFile.ReadEntries"],
        SourceKind.Sidecar => ["Checkpoint.Load", "Checkpoint.ReadInfo"],
        SourceKind.GroundTruth => ["GroundTruth.Load"],
        SourceKind.Manifest => ["Manifests.Load"],
        SourceKind.TorchScript => ["ExternalModel.LoadTorchScript"],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The documented error for bad files of this kind.</summary>
    public static bool Documented(SourceKind kind, Exception e) => kind switch
    {
        SourceKind.DeepRetina or SourceKind.Interneurons => e is RecordingFormatException,
        SourceKind.Weights or SourceKind.Sidecar or SourceKind.GroundTruth or SourceKind.TorchScript => e is InvalidDataException,
        SourceKind.Manifest => e is ManifestException,
        _ => false,
    };

    /// <summary>Runs entry point <paramref name="name"/> on <paramref name="path"/>; <paramref name="source"/> supplies a checkpoint's intact other half.</summary>
    public static string Run(string name, string path, CorpusSource source)
    {
        using var scope = torch.NewDisposeScope();
        switch (name)
        {
            case "FileInspector.Inspect":
                return Json(FileInspector.Inspect(path) with { File = "", Bytes = 0 });
            case "FileInspector.Inspect --stats":
                return Json(FileInspector.Inspect(path, statistics: true) with { File = "", Bytes = 0 });
            case "DeepRetinaFile.Read train":
            {
                using var r = DeepRetinaFile.Read(path, "train");
                return Of(r);
            }
            case "DeepRetinaFile.Read test":
            {
                using var r = DeepRetinaFile.Read(path, "test");
                return Of(r);
            }
            case "InterneuronFile.Read":
            {
                using var r = InterneuronFile.Read(path);
                return string.Join("|", r.Stimuli.Select(s => $"{s.Key}:{Hash(s.Stimulus)}:{Hash(s.Potentials)}:{Json(s.Cells)}"));
            }
            case "Checkpoint.Load":
            {
                string weights = source.Kind == SourceKind.Sidecar ? path[..^".json".Length] : path;
                File.Copy(source.Kind == SourceKind.Sidecar ? source.Path[..^".json".Length] : Checkpoint.SidecarOf(source.Path),
                    source.Kind == SourceKind.Sidecar ? weights : Checkpoint.SidecarOf(weights), overwrite: true);
                var (model, info) = Checkpoint.Load(weights);
                using (model)
                    return Json(info) + string.Join("|", model.state_dict().Select(kv => $"{kv.Key}:{Hash(kv.Value)}"));
            }
            case "WeightsFile.ReadEntries":
                return Json(WeightsFile.ReadEntries(path));
            case "Checkpoint.ReadInfo":
            {
                string weights = path[..^".json".Length];
                File.Copy(source.Path[..^".json".Length], weights, overwrite: true);
                return Json(Checkpoint.ReadInfo(weights));
            }
            case "GroundTruth.Load":
                return Json(GroundTruth.Load(path));
            case "ExternalModel.LoadTorchScript":
            {
                using var model = ExternalModel.LoadTorchScript(path, new ModelSpec { History = 10, Height = 12, Width = 12, Cells = 3 });
                using var y = model.call(torch.ones(2, 10, 12, 12));
                return Hash(y) + string.Join("|", model.parameters().Select(Hash));
            }
            case "Manifests.Load":
                return Json(Workbench.Data.Manifests.Manifests.Load(path));
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "no such entry point");
        }
    }

    private static string Of(Recording r) =>
        $"{Hash(r.Stimulus)}|{Hash(r.Rates)}|{(r.Counts is null ? "-" : Hash(r.Counts))}|{(r.Repeats is null ? "-" : Hash(r.Repeats))}|" +
        $"{r.FramePeriod:R}|{Json(r.Cells)}|{Json(r.Normalisation)}|{Json(r.Provenance with { Source = "" })}";

    /// <summary>Shape and SHA-256 of a tensor's bytes.</summary>
    public static string Hash(torch.Tensor t)
    {
        using var c = t.detach().cpu().contiguous();
        return $"[{string.Join(",", c.shape)}]{c.dtype}:{Convert.ToHexString(SHA256.HashData(c.bytes))[..16]}";
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, JsonFiles.Options);
}
