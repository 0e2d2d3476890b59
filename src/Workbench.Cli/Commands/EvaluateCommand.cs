using System.Text.Json;
using Workbench.Cli.CommandLine;
using Workbench.Data.DeepRetina;
using Workbench.IO;
using Workbench.Metrics;
using Workbench.Models;
using Workbench.Runtime;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench evaluate</c>: scores a trained model on the held-out test set.</summary>
public sealed class EvaluateCommand : ICommand
{
    /// <inheritdoc/>
    public string Name => "evaluate";

    /// <inheritdoc/>
    public string Summary => "Score a trained run on the test set: per-cell correlation, FEVe, oracle and fraction of the reliability ceiling.";

    /// <inheritdoc/>
    public string Help => """
        Usage: workbench evaluate RUN [--data FILE ...] [--json OUT] [--device D]
               workbench evaluate CHECKPOINT.pt --data FILE [--json OUT] [--device D]

        Loads RUN/best.weights and its sidecar, reads the test split of FILE (default: the file it was trained on) with
        the training normalisation and the same cells, predicts every test window and prints per cell: Pearson r with the
        trial-averaged response, FEVe, the jackknife oracle, the reliability ceiling (the r a perfect model would reach,
        from split-half reliability) and r as a fraction of it; then the means. --json writes the same as JSON.
        A core shared by several recordings (train with several --data) is scored per recording: each recording's cells
        on its own file's test split (or the --data files given, one per recording, in training order), then the mean
        over all cells.
        A run whose result.json says it diverged is refused (exit 2), as is a model whose predictions are not finite (exit 1).
        A .pt or .pth file is a model trained in PyTorch: a torch-deep-retina checkpoint (BNCNN or LinearStackedBNCNN, with
        its cells and normalisation statistics) or a bare state dict of one (see README, "Models from PyTorch").
        """;

    /// <inheritdoc/>
    public int Run(IReadOnlyList<string> args)
    {
        var a = new Arguments(args, Name, [], ["data", "json", "device"]);
        if (a.Positionals.Count != 1) throw new UsageException($"workbench {Name}: expected one run directory, got {a.Positionals.Count}.");
        string run = a.Positionals[0];
        string weights = Directory.Exists(run) ? Path.Combine(run, "best.weights") : run;
        bool pytorch = !Directory.Exists(run) && Path.GetExtension(run) is ".pt" or ".pth";
        // A diverged run is not a result, whichever of its files is named.
        if (!pytorch) new Training.RunDirectory(Directory.Exists(run) ? run : Path.GetDirectoryName(Path.GetFullPath(run))!).RefuseIfDiverged("evaluated");
        var runtime = TorchRuntime.Initialize(new RuntimeOptions { Device = a.Option("device") });
        RetinaModel model;
        CheckpointInfo info;
        if (pytorch)
        {
            // A model trained in PyTorch (torch-deep-retina checkpoint or state dict): its cells and normalisation come with it.
            var checkpoint = PyTorchCheckpoint.Load(run, device: runtime.Device);
            (model, info) = (checkpoint.Model, checkpoint.ToCheckpointInfo());
        }
        else
            (model, info) = Checkpoint.Load(weights, runtime.Device);
        using var _ = model;
        if (model is SharedCoreModel shared) return EvaluateShared(a, shared, info, weights, run, runtime.Device);
        string data = a.Option("data") ?? info.Data?.Source
            ?? throw new UsageException($"workbench {Name}: {weights} does not say which file it was trained on; pass --data FILE.");
        var evaluation = Score(model, $"{info.Spec.Kind} ({run})", data, info.Cells, info.Normalisation, info.Data?.RateDataset, info.Spec, weights, runtime.Device,
            pytorch ? run : null);
        if (a.Option("json") is { } json)
        {
            JsonFiles.Write(json, new { evaluation.Model, evaluation.Data, evaluation.MeanCorrelation, evaluation.MeanFeve, evaluation.MeanCeiling, evaluation.FractionOfCeiling, evaluation.Cells });
            Console.WriteLine($"Wrote {Path.GetFullPath(json)}");
        }
        return ExitCodes.Ok;
    }

    /// <summary>Scores <paramref name="model"/> on <paramref name="data"/>'s test split (those cells, that normalisation) and prints the table.</summary>
    private static ModelEvaluation Score(RetinaModel model, string name, string data, IReadOnlyList<Workbench.Data.CellInfo> cells,
        Workbench.Data.StimulusNormalisation? normalisation, string? rateDataset, ModelSpec spec, string weights, TorchSharp.torch.Device device, string? describedBy = null)
    {
        Workbench.Data.Recording read;
        try
        {
            read = DeepRetinaFile.Read(data, "test", new DeepRetinaReadOptions
            {
                Cells = cells.Select(c => c.Index).ToList(),
                Normalisation = normalisation,
                Normalise = normalisation is not null,
                RateBinMs = RateBinOf(rateDataset),
            });
        }
        catch (ArgumentException e)
        {
            // The cells, normalisation and rate bin asked of the file are the sidecar's: name it too, it may be the damaged one.
            throw new ArgumentException($"{e.Message} (The cells, normalisation and rate bin asked of it come from {describedBy ?? Checkpoint.SidecarOf(weights)}: that file may be damaged, or belong to another recording.)", e);
        }
        using var test = read;
        if (test.Height != spec.Height || test.Width != spec.Width)
            throw new InvalidDataException($"{Checkpoint.SidecarOf(weights)} describes a model of {spec.Height}x{spec.Width} stimuli, " +
                $"but {data} holds {test.Height}x{test.Width} frames: another recording, or a damaged sidecar.");
        using var predictions = Predictions.For(model, test, device);
        var evaluation = ModelEvaluation.Of(name, predictions, test, model.Spec.History);
        Console.WriteLine($"{evaluation.Model} on {test.Provenance.Source} (test, {test.Frames} frames{(test.Repeats is null ? "" : $", {test.Repeats.shape[0]} repeats")}):");
        Console.WriteLine($"  {"cell",-8} {"r",7} {"FEVe",7} {"oracle",7} {"ceiling",8} {"r/ceil",7}");
        foreach (var c in evaluation.Cells)
            Console.WriteLine($"  {c.Name,-8} {c.Correlation,7:F3} {c.Feve,7:F3} {c.Oracle,7:F3} {c.Ceiling,8:F3} {c.FractionOfCeiling,7:F3}");
        Console.WriteLine($"  {"mean",-8} {evaluation.MeanCorrelation,7:F3} {evaluation.MeanFeve,7:F3} {evaluation.Cells.Average(c => c.Oracle),7:F3} {evaluation.MeanCeiling,8:F3} {evaluation.FractionOfCeiling,7:F3}");
        return evaluation;
    }

    /// <summary>A shared core: each recording's cells on its own test split, then the mean over all cells.</summary>
    private int EvaluateShared(Arguments a, SharedCoreModel model, CheckpointInfo info, string weights, string run, TorchSharp.torch.Device device)
    {
        var recordings = info.Recordings
            ?? throw new InvalidDataException($"{Checkpoint.SidecarOf(weights)}: a shared core's sidecar lists its recordings, and this one does not; the sidecar is damaged.");
        if (recordings.Count != model.RecordingIds.Count || recordings.Select(r => r.Id).Where((id, i) => id != model.RecordingIds[i]).Any())
            throw new InvalidDataException($"{Checkpoint.SidecarOf(weights)}: its recordings ({string.Join(", ", recordings.Select(r => r.Id))}) are not the model's ({string.Join(", ", model.RecordingIds)}); the sidecar is damaged.");
        var files = a.All("data");
        if (files.Count != 0 && files.Count != recordings.Count)
            throw new UsageException($"workbench {Name}: {run} reads out {recordings.Count} recordings ({string.Join(", ", recordings.Select(r => r.Id))}); give no --data or one per recording, in that order ({files.Count} given).");
        var results = new List<object>();
        var all = new List<CellEvaluation>();
        for (int i = 0; i < recordings.Count; i++)
        {
            var r = recordings[i];
            string data = files.Count > 0 ? files[i] : r.Data?.Source
                ?? throw new UsageException($"workbench {Name}: {weights} does not say which file recording '{r.Id}' was trained on; pass one --data per recording.");
            var evaluation = Score(model.For(r.Id), $"{info.Spec.Kind} ({run}), readout '{r.Id}'", data, r.Cells, r.Normalisation ?? info.Normalisation, r.Data?.RateDataset, info.Spec, weights, device);
            all.AddRange(evaluation.Cells);
            results.Add(new { recording = r.Id, evaluation.Data, evaluation.MeanCorrelation, evaluation.MeanFeve, evaluation.MeanCeiling, evaluation.FractionOfCeiling, evaluation.Cells });
        }
        double meanR = all.Average(c => c.Correlation), meanCeiling = all.Average(c => c.Ceiling);
        Console.WriteLine($"All {recordings.Count} recordings, {all.Count} cells: mean r {meanR:F3}, mean ceiling {meanCeiling:F3}, r/ceiling of the means {meanR / meanCeiling:F3}");
        if (a.Option("json") is { } json)
        {
            JsonFiles.Write(json, new { Model = $"{info.Spec.Kind} ({run})", MeanCorrelation = meanR, MeanCeiling = meanCeiling, FractionOfCeiling = meanR / meanCeiling, Recordings = results });
            Console.WriteLine($"Wrote {Path.GetFullPath(json)}");
        }
        return ExitCodes.Ok;
    }

    private static int RateBinOf(string? dataset) =>
        dataset is not null && dataset.EndsWith("ms", StringComparison.Ordinal) && int.TryParse(dataset[(dataset.LastIndexOf('_') + 1)..^2], out int ms) ? ms : 10;
}
