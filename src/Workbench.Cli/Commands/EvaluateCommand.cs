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
        Usage: workbench evaluate RUN [--data FILE] [--json OUT] [--device D]
               workbench evaluate CHECKPOINT.pt --data FILE [--json OUT] [--device D]

        Loads RUN/best.weights and its sidecar, reads the test split of FILE (default: the file it was trained on) with
        the training normalisation and the same cells, predicts every test window and prints per cell: Pearson r with the
        trial-averaged response, FEVe, the jackknife oracle, the reliability ceiling (the r a perfect model would reach,
        from split-half reliability) and r as a fraction of it; then the means. --json writes the same as JSON.
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
        string data = a.Option("data") ?? info.Data?.Source
            ?? throw new UsageException($"workbench {Name}: {weights} does not say which file it was trained on; pass --data FILE.");
        using var test = DeepRetinaFile.Read(data, "test", new DeepRetinaReadOptions
        {
            Cells = info.Cells.Select(c => c.Index).ToList(),
            Normalisation = info.Normalisation,
            Normalise = info.Normalisation is not null,
            RateBinMs = RateBinOf(info.Data?.RateDataset),
        });
        if (test.Height != info.Spec.Height || test.Width != info.Spec.Width)
            throw new InvalidDataException($"{Checkpoint.SidecarOf(weights)} describes a model of {info.Spec.Height}x{info.Spec.Width} stimuli, " +
                $"but {data} holds {test.Height}x{test.Width} frames: another recording, or a damaged sidecar.");
        using var predictions = Predictions.For(model, test, runtime.Device);
        var evaluation = ModelEvaluation.Of($"{info.Spec.Kind} ({run})", predictions, test, model.Spec.History);
        Console.WriteLine($"{evaluation.Model} on {test.Provenance.Source} (test, {test.Frames} frames{(test.Repeats is null ? "" : $", {test.Repeats.shape[0]} repeats")}):");
        Console.WriteLine($"  {"cell",-8} {"r",7} {"FEVe",7} {"oracle",7} {"ceiling",8} {"r/ceil",7}");
        foreach (var c in evaluation.Cells)
            Console.WriteLine($"  {c.Name,-8} {c.Correlation,7:F3} {c.Feve,7:F3} {c.Oracle,7:F3} {c.Ceiling,8:F3} {c.FractionOfCeiling,7:F3}");
        Console.WriteLine($"  {"mean",-8} {evaluation.MeanCorrelation,7:F3} {evaluation.MeanFeve,7:F3} {evaluation.Cells.Average(c => c.Oracle),7:F3} {evaluation.MeanCeiling,8:F3} {evaluation.FractionOfCeiling,7:F3}");
        if (a.Option("json") is { } json)
        {
            JsonFiles.Write(json, new { evaluation.Model, evaluation.Data, evaluation.MeanCorrelation, evaluation.MeanFeve, evaluation.MeanCeiling, evaluation.FractionOfCeiling, evaluation.Cells });
            Console.WriteLine($"Wrote {Path.GetFullPath(json)}");
        }
        return ExitCodes.Ok;
    }

    private static int RateBinOf(string? dataset) =>
        dataset is not null && dataset.EndsWith("ms", StringComparison.Ordinal) && int.TryParse(dataset[(dataset.LastIndexOf('_') + 1)..^2], out int ms) ? ms : 10;
}
