using System.Globalization;
using Workbench.Cli.CommandLine;
using Workbench.Models;
using Workbench.Models.Layers;
using Workbench.Training;

namespace Workbench.Cli.Commands;

/// <summary>What <c>train</c> and <c>transfer</c> share: the readout and training options, and running a fit with a
/// progress bar, Ctrl-C and the same report and exit codes.</summary>
internal static class TrainingRun
{
    public static readonly Dictionary<string, ReadoutKind> Readouts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["dense"] = ReadoutKind.Dense, ["conv"] = ReadoutKind.Convolutional, ["factorized"] = ReadoutKind.Factorized, ["gaussian"] = ReadoutKind.Gaussian,
    };

    public static readonly Dictionary<string, GaussianShape> Shapes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["isotropic"] = GaussianShape.Isotropic, ["axis-aligned"] = GaussianShape.AxisAligned, ["full"] = GaussianShape.Full,
    };

    /// <summary>The spec change asked for by --readout, --gaussian and --readout-l1, or null when none is given.</summary>
    public static Func<ModelSpec, ModelSpec>? Readout(Arguments a, string command, string fallback)
    {
        if (a.Option("readout") is null && a.Option("gaussian") is null && a.Option("readout-l1") is null) return null;
        string name = a.Option("readout") ?? fallback;
        if (!Readouts.TryGetValue(name, out var readout)) throw new UsageException($"workbench {command}: --readout {name}: use one of {string.Join(", ", Readouts.Keys)}.");
        string shapeName = a.Option("gaussian") ?? "isotropic";
        if (!Shapes.TryGetValue(shapeName, out var shape)) throw new UsageException($"workbench {command}: --gaussian {shapeName}: use one of {string.Join(", ", Shapes.Keys)}.");
        if (a.Option("gaussian") is not null && readout != ReadoutKind.Gaussian) throw new UsageException($"workbench {command}: --gaussian applies to --readout gaussian only.");
        double l1 = a.Option("readout-l1") is { } text
            ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0 && double.IsFinite(v)
                ? v : throw new UsageException($"workbench {command}: --readout-l1 {text}: a number ≥ 0 is needed.")
            : new ModelSpec().ReadoutL1;
        return s => s with { Readout = readout, GaussianShape = shape, ReadoutL1 = l1 };
    }

    /// <summary>The options that shape a convolutional core.</summary>
    public static readonly string[] CoreOptions = ["architecture", "channels", "kernels", "padding", "nonlinearity", "batch-norm"];

    /// <summary>
    /// The spec change asked for by --architecture, --channels, --kernels, --padding, --nonlinearity and --batch-norm, or
    /// null when none is given. --architecture openretina is openretina's Maheswaranathan-2023 core in two dimensions:
    /// channels 16,32, kernels 15,11, padding 0,2, ELU, per-channel batch norm; the other options then change it.
    /// </summary>
    public static Func<ModelSpec, ModelSpec>? Core(Arguments a, string command)
    {
        if (CoreOptions.All(o => a.Option(o) is null)) return null;
        var architecture = a.Option("architecture") ?? "paper";
        if (architecture is not ("paper" or "openretina"))
            throw new UsageException($"workbench {command}: --architecture {architecture}: use paper or openretina.");
        IReadOnlyList<int>? List(string name) => a.Option(name) is not { } text ? null
            : text.Split(',', StringSplitOptions.TrimEntries).Select(v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) && i >= (name == "padding" ? 0 : 1)
                ? i : throw new UsageException($"workbench {command}: --{name} {text}: a comma-separated list of {(name == "padding" ? "integers ≥ 0" : "positive integers")} is needed.")).ToList();
        var channels = List("channels");
        var kernels = List("kernels");
        var padding = List("padding");
        CoreNonlinearity? nonlinearity = a.Option("nonlinearity") switch
        {
            null => null,
            "relu" => CoreNonlinearity.Relu,
            "elu" => CoreNonlinearity.Elu,
            var other => throw new UsageException($"workbench {command}: --nonlinearity {other}: use relu or elu."),
        };
        BatchNormMode? batchNorm = a.Option("batch-norm") switch
        {
            null => null,
            "per-location" => BatchNormMode.PerLocation,
            "per-channel" => BatchNormMode.PerChannel,
            var other => throw new UsageException($"workbench {command}: --batch-norm {other}: use per-location or per-channel."),
        };
        return s =>
        {
            if (architecture == "openretina")
                s = s with { Channels = [16, 32], Kernels = [15, 11], Padding = [0, 2], Nonlinearity = CoreNonlinearity.Elu, BatchNorm = BatchNormMode.PerChannel };
            s = s with
            {
                Channels = channels ?? s.Channels,
                Kernels = kernels ?? s.Kernels,
                Padding = padding ?? s.Padding,
                Nonlinearity = nonlinearity ?? s.Nonlinearity,
                BatchNorm = batchNorm ?? s.BatchNorm,
            };
            if (s.Kernels.Count != s.Channels.Count || (s.Padding is { } p && p.Count != s.Channels.Count))
                throw new UsageException($"workbench {command}: {s.Channels.Count} layers of channels [{string.Join(",", s.Channels)}] need as many --kernels [{string.Join(",", s.Kernels)}]" +
                    (s.Padding is null ? "" : $" and --padding [{string.Join(",", s.Padding)}]") + ".");
            return s;
        };
    }

    /// <summary>Both changes, <paramref name="first"/> then <paramref name="second"/>; null when neither is given.</summary>
    public static Func<ModelSpec, ModelSpec>? Then(Func<ModelSpec, ModelSpec>? first, Func<ModelSpec, ModelSpec>? second) =>
        first is null ? second : second is null ? first : s => second(first(s));

    /// <summary>--minutes M: how much of the training split to keep (null: all of it). Throws a usage error unless M &gt; 0.</summary>
    public static double? Minutes(Arguments a, string command)
    {
        if (a.Option("minutes") is not { } m) return null;
        if (!double.TryParse(m, NumberStyles.Float, CultureInfo.InvariantCulture, out double minutes) || !(minutes > 0) || !double.IsFinite(minutes))
            throw new UsageException($"workbench {command}: --minutes {m}: a positive number is needed.");
        return minutes;
    }

    /// <summary>
    /// The first <paramref name="minutes"/> of <paramref name="recording"/> (null when not limited, or when they cover all of
    /// it): a learning curve's smaller training sets. Throws a usage error when too short for one window.
    /// </summary>
    public static Workbench.Data.Recording? Head(Workbench.Data.Recording recording, double? minutes, string command, int history)
    {
        if (minutes is not { } limit) return null;
        long frames = Math.Min(recording.Frames, (long)Math.Round(limit * 60 / recording.FramePeriod));
        if (frames <= history + 1)
            throw new UsageException($"workbench {command}: --minutes {limit} keeps {frames} frames, too few for {history}-frame windows.");
        return frames < recording.Frames ? recording.Head(frames) : null;
    }

    /// <summary>The training options of --epochs, --batch, --lr, --seed, --batches-per-epoch, --calibrate-output and --quick.</summary>
    public static TrainingOptions Options(Arguments a)
    {
        bool quick = a.Flag("quick");
        return new TrainingOptions
        {
            Epochs = a.Int("epochs") ?? (quick ? 2 : 40),
            BatchSize = a.Int("batch") ?? 256,
            LearningRate = a.Option("lr") is { } lr ? double.Parse(lr, CultureInfo.InvariantCulture) : new TrainingOptions().LearningRate,
            Seed = a.Int("seed") ?? 1,
            MaxBatchesPerEpoch = a.Int("batches-per-epoch") ?? (quick ? 10 : null),
            CalibrateOutput = a.Flag("calibrate-output"),
        };
    }

    /// <summary>Runs <paramref name="fit"/> with a progress bar and Ctrl-C, reports the outcome and returns the exit code.</summary>
    public static int Execute(Func<TrainingContext, FitResult> fit, TrainingContext context, string output, int epochs)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        FitResult result;
        try
        {
            using var bar = new ConsoleProgress();
            result = fit(context with { RunDirectory = output, Progress = new SynchronousProgress<TrainingEvent>(e => Report(bar, e, epochs)), Cancellation = cancel.Token });
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        using var fitted = result.Model;
        if (result.CentresEstimated) Console.WriteLine("Receptive-field centres were estimated from the training data (the file records none).");
        if (result.Training is { Status: TrainingStatus.Diverged } diverged)
        {
            // Not a result: say so on stderr like every failure, and keep stdout's success lines for runs that succeeded.
            Console.Error.WriteLine($"error: training {diverged.Reason}. The run failed ({Path.Combine(Path.GetFullPath(output), "result.json")}: Diverged).");
            return ExitCodes.Failed;
        }
        if (result.Training is { } training)
        {
            Console.WriteLine($"{training.Status}: {training.Reason}.");
            Console.WriteLine($"Best epoch {training.BestEpoch}: mean validation correlation {training.BestValidationCorrelation:F4}; {training.History.Count} epochs in {training.Duration.TotalSeconds:F0} s.");
        }
        Console.WriteLine($"Checkpoint: {Path.Combine(Path.GetFullPath(output), "best.weights")}");
        return result.Training?.Status is TrainingStatus.Cancelled ? ExitCodes.Failed : ExitCodes.Ok;
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
