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

    private static readonly Dictionary<string, ReadoutKind> Readouts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["dense"] = ReadoutKind.Dense, ["conv"] = ReadoutKind.Convolutional, ["factorized"] = ReadoutKind.Factorized, ["gaussian"] = ReadoutKind.Gaussian,
    };

    private static readonly Dictionary<string, Workbench.Models.Layers.GaussianShape> Shapes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["isotropic"] = Workbench.Models.Layers.GaussianShape.Isotropic, ["axis-aligned"] = Workbench.Models.Layers.GaussianShape.AxisAligned,
        ["full"] = Workbench.Models.Layers.GaussianShape.Full,
    };

    /// <inheritdoc/>
    public string Name => "train";

    /// <inheritdoc/>
    public string Summary => "Fit a BN-CNN, stacked BN-CNN, LN or GLM to a recording; checkpoints and history go to RUN.";

    /// <inheritdoc/>
    public string Help => """
        Usage: workbench train --data FILE --model bncnn|core-readout|stacked|ln|revcor-ln|glm --out RUN
                               [--readout dense|conv|factorized|gaussian] [--gaussian isotropic|axis-aligned|full] [--readout-l1 X]
                               [--cells 0,1,2] [--rate-ms 5|10|20] [--epochs N] [--batch N] [--batches-per-epoch N]
                               [--lr X] [--seed S] [--device auto|cpu|cuda|cuda:N] [--threads N]
                               [--calibrate-output] [--quick] [--resume]

        Reads the training split of FILE (deep-retina layout), normalised with its own statistics, and fits the model
        with Adam on the Poisson loss (L2 1e-3 as weight decay, L1 1e-4 on the output), validating on contiguous
        held-out blocks (10 %), lowering the learning rate on plateaus of the validation correlation and stopping early.
        RUN receives config.json, history.csv/json, best.weights (+ .json sidecar: architecture, normalisation, cells,
        data provenance), last/ (to resume) and result.json. revcor-ln is fitted by reverse correlation (no epochs).

          --readout R             how the convolutional models (bncnn = core-readout, stacked) map their two-layer core to
                                  cells: dense (the paper's, default), conv (per-cell convolution at its centre), factorized
                                  (per cell a spatial mask x features), gaussian (per cell the features at a learned location);
                                  factorized and gaussian start each cell at its mean rate and have no output batch norm
          --gaussian S            the spread a gaussian readout learns: isotropic (default), axis-aligned, full
          --readout-l1 X          L1 weight of the factorized masks and features / gaussian features (mean over cells; 0.01)
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
        var a = new Arguments(args, Name, ["quick", "resume", "calibrate-output"], ["data", "model", "out", "cells", "rate-ms", "epochs", "batch", "batches-per-epoch", "lr", "seed", "device", "threads", "readout", "gaussian", "readout-l1"]);
        if (a.Positionals.Count > 0) throw new UsageException($"workbench {Name}: unexpected argument '{a.Positionals[0]}'.");
        string data = a.Option("data") ?? throw new UsageException($"workbench {Name}: --data FILE is required.");
        string output = a.Option("out") ?? throw new UsageException($"workbench {Name}: --out RUN is required.");
        string model = a.Option("model") ?? throw new UsageException($"workbench {Name}: --model is required ({string.Join(", ", Kinds.Keys)}).");
        if (!Kinds.TryGetValue(model, out var kind)) throw new UsageException($"workbench {Name}: --model {model}: use one of {string.Join(", ", Kinds.Keys)}.");
        Func<ModelSpec, ModelSpec>? customise = null;
        if (a.Option("readout") is { } readoutName || a.Option("gaussian") is not null || a.Option("readout-l1") is not null)
        {
            if (kind is not (ModelKind.BnCnn or ModelKind.Stacked))
                throw new UsageException($"workbench {Name}: --readout, --gaussian and --readout-l1 apply to the convolutional models (bncnn, core-readout, stacked), not {model}.");
            string name = a.Option("readout") ?? "dense";
            if (!Readouts.TryGetValue(name, out var readout)) throw new UsageException($"workbench {Name}: --readout {name}: use one of {string.Join(", ", Readouts.Keys)}.");
            string shapeName = a.Option("gaussian") ?? "isotropic";
            if (!Shapes.TryGetValue(shapeName, out var shape)) throw new UsageException($"workbench {Name}: --gaussian {shapeName}: use one of {string.Join(", ", Shapes.Keys)}.");
            if (a.Option("gaussian") is not null && readout != ReadoutKind.Gaussian) throw new UsageException($"workbench {Name}: --gaussian applies to --readout gaussian only.");
            double l1 = a.Option("readout-l1") is { } text
                ? double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) && v >= 0 && double.IsFinite(v)
                    ? v : throw new UsageException($"workbench {Name}: --readout-l1 {text}: a number ≥ 0 is needed.")
                : new ModelSpec().ReadoutL1;
            customise = s => s with { Readout = readout, GaussianShape = shape, ReadoutL1 = l1 };
        }
        // Resuming without readout options continues with the run's own readout (its best checkpoint's spec says which).
        var best = new RunDirectory(output).BestWeights;
        if (customise is null && a.Flag("resume") && File.Exists(Checkpoint.SidecarOf(best)) && Checkpoint.ReadInfo(best).Spec is { } previous)
            customise = s => s with { Readout = previous.Readout, GaussianShape = previous.GaussianShape, ReadoutL1 = previous.ReadoutL1, CellPositions = previous.CellPositions ?? s.CellPositions };
        var cells = a.Option("cells")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => int.TryParse(c, out int i) ? i : throw new UsageException($"--cells {a.Option("cells")}: '{c}' is not a cell index.")).ToList();
        bool quick = a.Flag("quick");
        var options = new TrainingOptions
        {
            Epochs = a.Int("epochs") ?? (quick ? 2 : 40),
            BatchSize = a.Int("batch") ?? 256,
            LearningRate = a.Option("lr") is { } lr ? double.Parse(lr, System.Globalization.CultureInfo.InvariantCulture) : new TrainingOptions().LearningRate,
            Seed = a.Int("seed") ?? 1,
            MaxBatchesPerEpoch = a.Int("batches-per-epoch") ?? (quick ? 10 : null),
            CalibrateOutput = a.Flag("calibrate-output"),
        };
        // Refuse an unusable run directory before reading anything (the trainer checks again).
        new RunDirectory(output).CheckStart(a.Flag("resume") && kind != ModelKind.RevCorLn);
        var runtime = TorchRuntime.Initialize(new RuntimeOptions { Device = a.Option("device"), Seed = options.Seed, Threads = a.Int("threads") });
        Console.Error.WriteLine($"Reading {data} (train) ...");
        using var train = DeepRetinaFile.Read(data, "train", new DeepRetinaReadOptions { Cells = cells, RateBinMs = a.Int("rate-ms") ?? 10 });
        foreach (string note in train.Provenance.Notes) Console.Error.WriteLine($"  {note}");
        Console.Error.WriteLine($"Training {kind} on {train.Frames} frames of {train.Height}x{train.Width}, {train.Cells.Count} cells, on {runtime.Device}.");
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        FitResult fit;
        try
        {
            using var bar = new ConsoleProgress();
            fit = Fitting.Fit(train, kind, options, new TrainingContext
            {
                Device = runtime.Device, RunDirectory = output, Resume = a.Flag("resume"), Progress = new SynchronousProgress<TrainingEvent>(e => Report(bar, e, options.Epochs)),
                Cancellation = cancel.Token,
            }, customise);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        using var fitted = fit.Model;
        if (fit.CentresEstimated) Console.WriteLine("Receptive-field centres were estimated from the training data (the file records none).");
        if (fit.Training is { Status: TrainingStatus.Diverged } diverged)
        {
            // Not a result: say so on stderr like every failure, and keep stdout's success lines for runs that succeeded.
            Console.Error.WriteLine($"error: training {diverged.Reason}. The run failed ({Path.Combine(Path.GetFullPath(output), "result.json")}: Diverged).");
            return ExitCodes.Failed;
        }
        if (fit.Training is { } result)
        {
            Console.WriteLine($"{result.Status}: {result.Reason}.");
            Console.WriteLine($"Best epoch {result.BestEpoch}: mean validation correlation {result.BestValidationCorrelation:F4}; {result.History.Count} epochs in {result.Duration.TotalSeconds:F0} s.");
        }
        Console.WriteLine($"Checkpoint: {Path.Combine(Path.GetFullPath(output), "best.weights")}");
        return fit.Training?.Status is TrainingStatus.Cancelled ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private static void Report(ConsoleProgress bar, TrainingEvent e, int epochs)
    {
        switch (e)
        {
            case BatchCompleted b:
                bar.Detail = $"loss {b.Loss:F4}, {b.SamplesPerSecond:F0} samples/s";
                bar.Report(new ProgressReport($"epoch {b.Epoch}/{epochs}", (b.Epoch - 1 + (double)b.Batch / b.Batches) / epochs));
                break;
            case EpochCompleted c:
                bar.Detail = $"validation r {c.Summary.ValidationCorrelation:F4}{(c.Summary.Improved ? " (best)" : "")}, lr {c.Summary.LearningRate:G3}";
                bar.Report(new ProgressReport($"epoch {c.Summary.Epoch}/{c.Epochs} done", (double)c.Summary.Epoch / c.Epochs));
                break;
        }
    }
}

/// <summary>An IProgress that reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
