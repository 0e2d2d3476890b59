using Workbench.Cli.CommandLine;
using Workbench.Data.DeepRetina;
using Workbench.Models;
using Workbench.Runtime;
using Workbench.Training;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench transfer</c>: a trained BN-CNN's core, frozen, with a new readout fitted on another recording.</summary>
public sealed class TransferCommand : ICommand
{
    /// <inheritdoc/>
    public string Name => "transfer";

    /// <inheritdoc/>
    public string Summary => "Fit a new readout on a trained BN-CNN's frozen core for another recording's cells (transfer learning).";

    /// <inheritdoc/>
    public string Help => """
        Usage: workbench transfer --core RUN --data FILE --out RUN2 [--minutes M] [--readout gaussian|factorized|dense]
                                  [--gaussian isotropic|axis-aligned|full] [--readout-l1 X] [--cells 0,1,2]
                                  [--epochs N] [--batch N] [--batches-per-epoch N] [--lr X] [--seed S]
                                  [--device auto|cpu|cuda|cuda:N] [--threads N] [--quick]

        Takes the core (the two convolutional layers, weights and batch-norm statistics) of RUN's best checkpoint, freezes
        it, and fits only a new readout (Gaussian by default) on FILE's training split, read with RUN's stimulus
        normalisation (a shared core's: its first recording's) so the core sees what it was trained on; a run of several --data files
        (one core shared by recordings) transfers its core. --minutes M keeps only the first M minutes of that split:
        the few-data regime where a transferred core pays off (Lurz et al. 2021). RUN2 is an ordinary run directory:
        `evaluate RUN2` scores it on FILE's test split. Training options and exit codes are those of `train`.
        """;

    /// <inheritdoc/>
    public int Run(IReadOnlyList<string> args)
    {
        var a = new Arguments(args, Name, ["quick"], ["core", "data", "out", "minutes", "cells", "epochs", "batch", "batches-per-epoch", "lr", "seed", "device", "threads", "readout", "gaussian", "readout-l1"]);
        if (a.Positionals.Count > 0) throw new UsageException($"workbench {Name}: unexpected argument '{a.Positionals[0]}'.");
        string coreRun = a.Option("core") ?? throw new UsageException($"workbench {Name}: --core RUN is required.");
        string data = a.Option("data") ?? throw new UsageException($"workbench {Name}: --data FILE is required.");
        string output = a.Option("out") ?? throw new UsageException($"workbench {Name}: --out RUN2 is required.");
        var customise = TrainingRun.Readout(a, Name, "gaussian");
        if (customise is not null && TrainingRun.Readouts.GetValueOrDefault(a.Option("readout") ?? "gaussian") == ReadoutKind.Convolutional)
            throw new UsageException($"workbench {Name}: --readout conv needs each new cell's centre; use gaussian, factorized or dense.");
        var cells = a.Option("cells")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => int.TryParse(c, out int i) ? i : throw new UsageException($"--cells {a.Option("cells")}: '{c}' is not a cell index.")).ToList();
        var options = TrainingRun.Options(a);
        var minutes = TrainingRun.Minutes(a, Name);
        string weights = Directory.Exists(coreRun) ? new RunDirectory(coreRun).BestWeights : coreRun;
        if (!File.Exists(weights)) throw new UsageException($"workbench {Name}: --core {coreRun}: no such checkpoint ({weights}).");
        new RunDirectory(output).CheckStart(false);
        var runtime = TorchRuntime.Initialize(new RuntimeOptions { Device = a.Option("device"), Seed = options.Seed, Threads = a.Int("threads") });
        var (loaded, info) = Checkpoint.Load(weights);
        using var _ = loaded;
        // A core shared by several recordings transfers as any other: its core, whichever readout it is seen through.
        var core = loaded switch
        {
            BnCnn bncnn => bncnn,
            SharedCoreModel shared => shared.Core,
            _ => throw new UsageException($"workbench {Name}: --core {coreRun} holds a {info.Spec.Kind} model; transfer needs a BN-CNN (bncnn, core-readout or stacked).")
        };
        options = options with { History = core.Spec.History };
        if (info.Normalisation is null)
            throw new UsageException($"workbench {Name}: --core {coreRun}: its checkpoint records no stimulus normalisation, so new data cannot be read as the core saw its own.");
        Console.Error.WriteLine($"Reading {data} (train) with the core's normalisation ...");
        using var all = DeepRetinaFile.Read(data, "train", new DeepRetinaReadOptions { Cells = cells, Normalisation = info.Normalisation });
        foreach (string note in all.Provenance.Notes) Console.Error.WriteLine($"  {note}");
        using var head = TrainingRun.Head(all, minutes, Name, options.History);
        var train = head ?? all;
        if (head is not null) Console.Error.WriteLine($"  {head.Provenance.Notes[^1]}");
        Console.Error.WriteLine($"Transferring the {core.Spec.Kind} core of {weights} to {train.Cells.Count} cells: {train.Frames} frames ({train.Frames * train.FramePeriod / 60:F1} min), on {runtime.Device}.");
        return TrainingRun.Execute(context => Transfer.Fit(core, train, options, context, customise),
            new TrainingContext { Device = runtime.Device }, output, options.Epochs);
    }
}
