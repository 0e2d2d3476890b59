using Workbench.Cli.CommandLine;
using Workbench.Data.DeepRetina;
using Workbench.Models;
using Workbench.Runtime;
using Workbench.Training;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench train</c>: fits a model to a recording into a run directory.</summary>
public sealed class TrainCommand : ICommand
{
    private static readonly Dictionary<string, ModelKind> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["bncnn"] = ModelKind.BnCnn, ["core-readout"] = ModelKind.BnCnn, ["stacked"] = ModelKind.Stacked, ["ln"] = ModelKind.Ln, ["revcor-ln"] = ModelKind.RevCorLn, ["glm"] = ModelKind.Glm,
    };

    /// <inheritdoc/>
    public string Name => "train";

    /// <inheritdoc/>
    public string Summary => "Fit a BN-CNN, stacked BN-CNN, LN or GLM to a recording; checkpoints and history go to RUN.";

    /// <inheritdoc/>
    public string Help => """
        Usage: workbench train --data FILE [--data FILE2 ...] --model bncnn|core-readout|stacked|ln|revcor-ln|glm --out RUN
                               [--readout dense|conv|factorized|gaussian] [--gaussian isotropic|axis-aligned|full] [--readout-l1 X]
                               [--architecture paper|openretina] [--channels 8,8] [--kernels 15,11] [--padding 0,0]
                               [--nonlinearity relu|elu] [--batch-norm per-location|per-channel]
                               [--minutes M]
                               [--cells 0,1,2] [--rate-ms 5|10|20] [--epochs N] [--batch N] [--batches-per-epoch N]
                               [--lr X] [--seed S] [--device auto|cpu|cuda|cuda:N] [--threads N]
                               [--calibrate-output] [--quick] [--resume]

        Reads the training split of FILE (deep-retina layout), normalised with its own statistics, and fits the model
        with Adam on the Poisson loss (L2 1e-3 as weight decay, L1 5e-4 on the mean output rate), validating on contiguous
        held-out blocks (10 %), lowering the learning rate on plateaus of the validation correlation and stopping early.
        RUN receives config.json, history.csv/json, best.weights (+ .json sidecar: architecture, normalisation, cells,
        data provenance), last/ (to resume) and result.json. revcor-ln is fitted by reverse correlation (no epochs).

        Several --data files train one core shared by all of them, with one readout per file (gaussian unless --readout
        factorized; keyed by the file's name): every epoch interleaves batches of all files, each file is normalised by its
        own statistics and validated on its own held-out blocks, and the validation r is the mean over every file's cells.
        `evaluate RUN` then scores each file's cells on its own test split. --minutes applies to each file; --cells is refused.

          --readout R             how the convolutional models (bncnn = core-readout, stacked) map their two-layer core to
                                  cells: dense (the paper's, default), conv (per-cell convolution at its centre), factorized
                                  (per cell a spatial mask x features), gaussian (per cell the features at a learned location);
                                  factorized and gaussian start each cell at its mean rate and have no output batch norm
          --gaussian S            the spread a gaussian readout learns: isotropic (default), axis-aligned, full
          --readout-l1 X          L1 weight of the factorized masks and features / gaussian features (mean over cells; 0.01)
          --architecture A        the convolutional core: paper (default: channels 8,8, kernels 15,11, no padding, ReLU,
                                  per-location batch norm) or openretina (its Maheswaranathan-2023 core in 2-D: channels
                                  16,32, kernels 15,11, padding 0,2, ELU, per-channel batch norm)
          --channels, --kernels, --padding   one comma-separated entry per core layer (any depth), over the architecture's
          --nonlinearity relu|elu, --batch-norm per-location|per-channel     over the architecture's
          --minutes M             train on the first M minutes of the training split only (learning curves)
          --batches-per-epoch N   sample N random batches per epoch instead of a full pass (long recordings)
          --calibrate-output      start each cell's output at its mean training rate (short runs; the reference starts at 0)
          --quick                 2 epochs of 10 batches (smoke test)
          --resume                continue RUN from its last completed epoch
        RUN must not hold another run unless --resume (exit 2; nothing is overwritten). A run that diverged is never
        resumed (exit 2): train a new one.

        Divergence (a NaN or infinite loss, weight or validation prediction) is a failure, exit 1, naming the epoch and
        batch; result.json records status Diverged. If an earlier epoch was finite and beat the untrained model, its
        weights stay in best.weights, but `evaluate` refuses the run. Exit 1 also when cancelled (Ctrl-C; --resume continues).
        """;

    /// <inheritdoc/>
    public int Run(IReadOnlyList<string> args)
    {
        var a = new Arguments(args, Name, ["quick", "resume", "calibrate-output"], ["data", "model", "out", "minutes", "cells", "rate-ms", "epochs", "batch", "batches-per-epoch", "lr", "seed", "device", "threads", "readout", "gaussian", "readout-l1", .. TrainingRun.CoreOptions]);
        if (a.Positionals.Count > 0) throw new UsageException($"workbench {Name}: unexpected argument '{a.Positionals[0]}'.");
        var files = a.All("data");
        if (files.Count == 0) throw new UsageException($"workbench {Name}: --data FILE is required.");
        string data = files[0];
        string output = a.Option("out") ?? throw new UsageException($"workbench {Name}: --out RUN is required.");
        string model = a.Option("model") ?? throw new UsageException($"workbench {Name}: --model is required ({string.Join(", ", Kinds.Keys)}).");
        if (!Kinds.TryGetValue(model, out var kind)) throw new UsageException($"workbench {Name}: --model {model}: use one of {string.Join(", ", Kinds.Keys)}.");
        if ((a.Option("readout") ?? a.Option("gaussian") ?? a.Option("readout-l1")) is not null && kind is not (ModelKind.BnCnn or ModelKind.Stacked))
            throw new UsageException($"workbench {Name}: --readout, --gaussian and --readout-l1 apply to the convolutional models (bncnn, core-readout, stacked), not {model}.");
        if (TrainingRun.CoreOptions.Any(o => a.Option(o) is not null) && kind is not (ModelKind.BnCnn or ModelKind.Stacked))
            throw new UsageException($"workbench {Name}: --architecture, --channels, --kernels, --padding, --nonlinearity and --batch-norm shape a convolutional core (bncnn, core-readout, stacked), not {model}.");
        var readout = TrainingRun.Readout(a, Name, "dense");
        var core = TrainingRun.Core(a, Name);
        var customise = TrainingRun.Then(core, readout);
        // Resuming without readout or core options continues with the run's own (its best checkpoint's spec says which).
        var best = new RunDirectory(output).BestWeights;
        if (a.Flag("resume") && File.Exists(Checkpoint.SidecarOf(best)) && Checkpoint.ReadInfo(best).Spec is { } previous)
        {
            readout ??= s => s with { Readout = previous.Readout, GaussianShape = previous.GaussianShape, ReadoutL1 = previous.ReadoutL1, CellPositions = previous.CellPositions ?? s.CellPositions };
            core ??= s => s with { Channels = previous.Channels, Kernels = previous.Kernels, Padding = previous.Padding, Nonlinearity = previous.Nonlinearity, BatchNorm = previous.BatchNorm };
            customise = TrainingRun.Then(core, readout);
        }
        var cells = a.Option("cells")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => int.TryParse(c, out int i) ? i : throw new UsageException($"--cells {a.Option("cells")}: '{c}' is not a cell index.")).ToList();
        var options = TrainingRun.Options(a);
        var minutes = TrainingRun.Minutes(a, Name);
        if (files.Count > 1) return TrainShared(a, files, kind, model, customise, options, minutes, output);
        // Refuse an unusable run directory before reading anything (the trainer checks again).
        new RunDirectory(output).CheckStart(a.Flag("resume") && kind != ModelKind.RevCorLn);
        var runtime = TorchRuntime.Initialize(new RuntimeOptions { Device = a.Option("device"), Seed = options.Seed, Threads = a.Int("threads") });
        Console.Error.WriteLine($"Reading {data} (train) ...");
        using var all = DeepRetinaFile.Read(data, "train", new DeepRetinaReadOptions { Cells = cells, RateBinMs = a.Int("rate-ms") ?? 10 });
        foreach (string note in all.Provenance.Notes) Console.Error.WriteLine($"  {note}");
        using var head = TrainingRun.Head(all, minutes, Name, options.History);
        var train = head ?? all;
        if (head is not null) Console.Error.WriteLine($"  {head.Provenance.Notes[^1]}");
        Console.Error.WriteLine($"Training {kind} on {train.Frames} frames of {train.Height}x{train.Width}, {train.Cells.Count} cells, on {runtime.Device}.");
        return TrainingRun.Execute(context => Fitting.Fit(train, kind, options, context, customise),
            new TrainingContext { Device = runtime.Device, Resume = a.Flag("resume") }, output, options.Epochs);
    }

    /// <summary>Several --data files: one shared core, a per-cell readout per file.</summary>
    private int TrainShared(Arguments a, IReadOnlyList<string> files, ModelKind kind, string model, Func<ModelSpec, ModelSpec>? customise,
        TrainingOptions options, double? minutes, string output)
    {
        if (kind is not (ModelKind.BnCnn or ModelKind.Stacked))
            throw new UsageException($"workbench {Name}: several --data files train a shared core (bncnn, core-readout or stacked), not {model}.");
        if (a.Option("cells") is not null)
            throw new UsageException($"workbench {Name}: --cells picks cells of one file; with several --data files every file's cells are trained.");
        if (a.Option("readout") is { } readoutName && TrainingRun.Readouts.GetValueOrDefault(readoutName) is not (ReadoutKind.Gaussian or ReadoutKind.Factorized))
            throw new UsageException($"workbench {Name}: --readout {readoutName}: a core shared by several --data files takes a per-cell readout (gaussian or factorized).");
        customise ??= s => s with { Readout = ReadoutKind.Gaussian };
        var ids = new List<string>();
        foreach (string file in files)
        {
            string id = RecordingCells.IdFromPath(file);
            // Two files of the same name (in different folders) get -2, -3, … so every readout has its own key.
            for (int n = 2; ids.Contains(id); n++) id = $"{RecordingCells.IdFromPath(file)}-{n}";
            ids.Add(id);
        }
        new RunDirectory(output).CheckStart(a.Flag("resume"));
        var runtime = TorchRuntime.Initialize(new RuntimeOptions { Device = a.Option("device"), Seed = options.Seed, Threads = a.Int("threads") });
        var recordings = new List<Workbench.Data.Recording>();
        try
        {
            foreach (string file in files)
            {
                Console.Error.WriteLine($"Reading {file} (train) ...");
                var all = DeepRetinaFile.Read(file, "train", new DeepRetinaReadOptions { RateBinMs = a.Int("rate-ms") ?? 10 });
                recordings.Add(all);
                foreach (string note in all.Provenance.Notes) Console.Error.WriteLine($"  {note}");
                if (TrainingRun.Head(all, minutes, Name, options.History) is { } head)
                {
                    Console.Error.WriteLine($"  {head.Provenance.Notes[^1]}");
                    recordings[^1] = head;
                    all.Dispose();
                }
            }
            Console.Error.WriteLine($"Training one {kind} core on {files.Count} recordings ({string.Join(", ", recordings.Select((r, i) => $"{ids[i]}: {r.Cells.Count} cells, {r.Frames} frames"))}), on {runtime.Device}.");
            return TrainingRun.Execute(context => Fitting.FitShared(recordings, ids, kind, options, context, customise),
                new TrainingContext { Device = runtime.Device, Resume = a.Flag("resume") }, output, options.Epochs);
        }
        finally
        {
            foreach (var r in recordings) r.Dispose();
        }
    }
}

/// <summary>An IProgress that reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
