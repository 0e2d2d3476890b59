using System.Diagnostics;
using TorchSharp;
using Workbench.Data;
using Workbench.Metrics;
using Workbench.Models;
using static TorchSharp.torch;

namespace Workbench.Training;

/// <summary>Where and how a run trains, beyond its options.</summary>
public sealed record TrainingContext
{
    /// <summary>Device for the model and batches (from <see cref="Runtime.TorchRuntime"/>).</summary>
    public Device Device { get; init; } = torch.CPU;

    /// <summary>Folder for checkpoints and history; null keeps everything in memory.</summary>
    public string? RunDirectory { get; init; }

    /// <summary>Continue from the run directory's last completed epoch.</summary>
    public bool Resume { get; init; }

    /// <summary>Receives batch, epoch and stop events.</summary>
    public IProgress<TrainingEvent>? Progress { get; init; }

    /// <summary>Stops the run after the current batch; the last completed epoch stays resumable.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Facts about the data recorded with every checkpoint (normalisation, cells, provenance).</summary>
    public Recording? DataForCheckpoints { get; init; }
}

/// <summary>
/// Fits a <see cref="RetinaModel"/> to a recording: Adam on the Poisson (or MSE) loss plus L1 on the output activity,
/// weight decay as L2, validation on contiguous held-out blocks, a learning-rate schedule and early stopping driven by
/// the validation correlation (maximised), best-weights checkpoints, resumable state, and a clean stop on a NaN loss.
/// </summary>
/// <remarks>Deterministic on CPU for a given seed and thread count. One dispose scope per batch; nothing but the
/// batch's windows is ever copied out of the stimulus.</remarks>
public static class Trainer
{
    /// <summary>Trains <paramref name="model"/> (built outside any dispose scope) on <paramref name="recording"/>.</summary>
    /// <exception cref="ArgumentException">Options are out of range, or the model does not fit the recording.</exception>
    public static TrainingResult Train(RetinaModel model, Recording recording, TrainingOptions options, TrainingContext? context = null)
    {
        context ??= new TrainingContext();
        options.Validate();
        var spec = model.Spec;
        if (spec.History != options.History || spec.Height != recording.Height || spec.Width != recording.Width || spec.Cells != recording.Cells.Count)
            throw new ArgumentException(
                $"The model expects {spec.History} frames of {spec.Height}x{spec.Width} and {spec.Cells} cells; the data are " +
                $"{options.History} frames of {recording.Height}x{recording.Width} with {recording.Cells.Count} cells ({recording.Provenance.Source}).");
        if (model.NeedsSpikeHistory && recording.Counts is null)
            throw new ArgumentException($"{recording.Provenance.Source}: a {spec.Kind} needs binned spike counts, and the recording has none.");

        var clock = Stopwatch.StartNew();
        using var windows = new HistoryWindows(recording, options.History);
        var split = TimeSplit.Blocks(windows.Count, options.History, options.ValidationFraction, options.ValidationBlocks);
        var run = context.RunDirectory is null ? null : new RunDirectory(context.RunDirectory);
        model.to(context.Device);
        using var optimizer = torch.optim.Adam(model.parameters(), options.LearningRate, weight_decay: options.L2);
        var schedule = new LearningRateSchedule(options);
        var stopping = new EarlyStopping(options);
        var history = new List<EpochSummary>();
        Dictionary<string, Tensor>? bestInMemory = null;

        if (context.Resume && run is { CanResume: true })
            Restore(run, model, optimizer, schedule, stopping, history);
        else
        {
            torch.manual_seed(options.Seed);
            if (options.CalibrateOutput) CalibrateOutput(model, recording, split, options.History, context.Device);
            if (run is not null)
            {
                Directory.CreateDirectory(run.Path);
                IO.JsonFiles.Write(run.Config, new { options, spec, data = recording.Provenance, split, device = context.Device.ToString() });
            }
        }

        var status = TrainingStatus.Completed;
        string reason = $"ran all {options.Epochs} epochs";
        try
        {
            for (int epoch = history.Count + 1; epoch <= options.Epochs; epoch++)
            {
                SetLearningRate(optimizer, schedule.Rate);
                var epochClock = Stopwatch.StartNew();
                var (trainLoss, samples, diverged) = TrainEpoch(model, windows, split, options, optimizer, context, epoch, clock, history.Count);
                if (diverged is not null)
                {
                    (status, reason) = (TrainingStatus.Diverged, diverged);
                    break;
                }
                double trainSeconds = epochClock.Elapsed.TotalSeconds;
                var (validationLoss, correlations) = Validate(model, windows, split, options, context.Device);
                double meanR = correlations.Average();
                bool improved = stopping.Record(epoch, meanR);
                var summary = new EpochSummary(epoch, trainLoss, validationLoss, meanR, correlations, schedule.Rate,
                    samples / Math.Max(trainSeconds, 1e-9), epochClock.Elapsed.TotalSeconds, improved);
                history.Add(summary);
                if (stopping.BestEpoch == epoch)
                {
                    if (run is not null) SaveBest(run, model, context, epoch, meanR);
                    else bestInMemory = Snapshot(model, bestInMemory);
                }
                schedule.AfterEpoch(epoch, improved);
                if (run is not null)
                {
                    SaveResumeState(run, model, optimizer, schedule, stopping, history);
                    run.WriteHistory(history);
                }
                var eta = TimeSpan.FromSeconds(history.Average(h => h.Seconds) * (options.Epochs - epoch));
                context.Progress?.Report(new EpochCompleted(summary, options.Epochs, eta));
                if (stopping.ShouldStop)
                {
                    (status, reason) = (TrainingStatus.EarlyStopped,
                        $"no improvement over {options.EarlyStoppingTolerance} in validation correlation for {options.EarlyStoppingPatience} epochs (best {stopping.Best:F4} at epoch {stopping.BestEpoch})");
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
        {
            (status, reason) = (TrainingStatus.Cancelled, $"cancelled after {history.Count} complete epochs; resume from {run?.Path ?? "(no run directory)"}");
        }

        if ((options.RestoreBest || status == TrainingStatus.Diverged) && stopping.BestEpoch > 0)
        {
            if (run is not null) Checkpoint.LoadWeights(model, run.BestWeights);
            else if (bestInMemory is not null) Load(model, bestInMemory);
        }
        model.eval();
        var result = new TrainingResult(status, reason, history, stopping.BestEpoch, stopping.BestEpoch > 0 ? stopping.Best : double.NaN,
            split, clock.Elapsed, run?.Path);
        if (run is not null) IO.JsonFiles.Write(run.Result, result);
        context.Progress?.Report(new TrainingStopped(status, reason));
        if (bestInMemory is not null) foreach (var t in bestInMemory.Values) t.Dispose();
        return result;
    }

    /// <summary>Sets the model's output offset from the mean rate each cell has over the training windows' target bins.</summary>
    private static void CalibrateOutput(RetinaModel model, Recording recording, TimeSplit split, int history, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var sum = torch.zeros(recording.Cells.Count, dtype: torch.float64);
        long count = 0;
        foreach (var range in split.Training.Where(r => r.Length > 0))
        {
            sum.add_(recording.Rates.narrow(0, range.Start + history, range.Length).to(torch.float64).sum([0]));
            count += range.Length;
        }
        if (count > 0) model.CalibrateOutput((sum / count).to(device));
    }

    private static (double Loss, long Samples, string? Diverged) TrainEpoch(RetinaModel model, HistoryWindows windows, TimeSplit split,
        TrainingOptions options, torch.optim.Optimizer optimizer, TrainingContext context, int epoch, Stopwatch runClock, int epochsDoneBefore)
    {
        model.train();
        var batches = WindowBatches.Shuffled(split.Training, options.BatchSize, seed: unchecked(options.Seed * 7919 + epoch), dropLast: true).ToList();
        if (batches.Count == 0) batches = WindowBatches.Shuffled(split.Training, options.BatchSize, seed: options.Seed + epoch).ToList();
        if (options.MaxBatchesPerEpoch is { } max) batches = batches.Take(max).ToList();
        double lossSum = 0;
        long samples = 0;
        var clock = Stopwatch.StartNew();
        for (int b = 0; b < batches.Count; b++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            using var scope = torch.NewDisposeScope();
            var (inputs, targets) = windows.Batch(batches[b], context.Device);
            var history = model.NeedsSpikeHistory ? windows.SpikeHistory(batches[b], context.Device) : null;
            optimizer.zero_grad();
            var predicted = model.Predict(inputs, history);
            var data = Losses.Compute(options.Loss, predicted, targets);
            var loss = options.L1 > 0 ? data + options.L1 * predicted.abs().sum() / predicted.shape[0] : data;
            double value = data.item<float>();
            if (!double.IsFinite(value) || !double.IsFinite(loss.item<float>()))
                return (double.NaN, samples, $"the loss became {value} in epoch {epoch}, batch {b + 1}; kept the weights of the best epoch so far");
            loss.backward();
            optimizer.step();
            lossSum += value;
            samples += batches[b].Length;
            double speed = samples / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            double epochSeconds = batches.Sum(x => x.Length) / speed;
            var eta = TimeSpan.FromSeconds(epochSeconds * (options.Epochs - epochsDoneBefore) - clock.Elapsed.TotalSeconds);
            context.Progress?.Report(new BatchCompleted(epoch, b + 1, batches.Count, value, speed, eta < TimeSpan.Zero ? TimeSpan.Zero : eta));
        }
        return (lossSum / Math.Max(1, batches.Count), samples, null);
    }

    /// <summary>Loss and per-cell correlation on the validation blocks, in eval mode, without gradients.</summary>
    private static (double Loss, double[] Correlations) Validate(RetinaModel model, HistoryWindows windows, TimeSplit split, TrainingOptions options, Device device)
    {
        model.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var predictions = new List<Tensor>();
        var targets = new List<Tensor>();
        foreach (var batch in WindowBatches.InOrder(split.Validation, Math.Max(options.BatchSize, 512)))
        {
            // A scope per batch frees the windows and every intermediate activation before the next batch.
            using var batchScope = torch.NewDisposeScope();
            var (inputs, target) = windows.Batch(batch, device);
            var history = model.NeedsSpikeHistory ? windows.SpikeHistory(batch, device) : null;
            predictions.Add(model.Predict(inputs, history).cpu().MoveToOuterDisposeScope());
            targets.Add(target.cpu().MoveToOuterDisposeScope());
        }
        var p = torch.cat(predictions, 0);
        var y = torch.cat(targets, 0);
        double loss = Losses.Compute(options.Loss, p, y).item<float>();
        return (loss, Correlation.PerCell(p, y));
    }

    private static void SetLearningRate(torch.optim.Optimizer optimizer, double rate)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
    }

    private static void SaveBest(RunDirectory run, RetinaModel model, TrainingContext context, int epoch, double correlation)
    {
        var data = context.DataForCheckpoints;
        var info = new CheckpointInfo(model.Spec, data?.Normalisation, data?.Cells ?? [], data?.Provenance, epoch, correlation);
        Checkpoint.Save(model, run.BestWeights, info);
    }

    private static void SaveResumeState(RunDirectory run, RetinaModel model, TorchSharp.Modules.Adam optimizer,
        LearningRateSchedule schedule, EarlyStopping stopping, List<EpochSummary> history)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(run.LastWeights)!);
        Checkpoint.WriteWeights(model, run.LastWeights);
        IO.AtomicFile.Write(run.LastOptimizer, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            optimizer.save_state_dict(writer);
            writer.Flush();
        });
        using var rng = torch.random.get_rng_state();
        var state = new ResumeState(history.Count, schedule.Rate, schedule.EpochsWithoutImprovement, stopping.Best, stopping.BestEpoch,
            stopping.EpochsWithoutImprovement, history, Convert.ToBase64String(rng.bytes.ToArray()));
        IO.JsonFiles.Write(run.LastState, state);
    }

    private static void Restore(RunDirectory run, RetinaModel model, TorchSharp.Modules.Adam optimizer,
        LearningRateSchedule schedule, EarlyStopping stopping, List<EpochSummary> history)
    {
        // Every file of last/ may be damaged (a copy cut short, a bad disk): each failure names its file, and --resume can
        // simply be dropped to start over.
        var state = IO.JsonFiles.Read<ResumeState>(run.LastState);
        if (state.History is null || state.TorchRngState is null)
            throw new InvalidDataException($"{run.LastState}: {(state.History is null ? "history" : "torchRngState")} is missing; the file is damaged (train without --resume to start over).");
        Checkpoint.LoadWeights(model, run.LastWeights);
        try
        {
            using var stream = File.OpenRead(run.LastOptimizer);
            using var reader = new BinaryReader(stream);
            optimizer.load_state_dict(reader);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{run.LastOptimizer}: TorchSharp cannot load this optimizer state ({e.Message}); the file may be damaged (train without --resume to start over).", e);
        }
        schedule.Rate = state.LearningRate;
        schedule.EpochsWithoutImprovement = state.PlateauCount;
        stopping.Best = state.Best;
        stopping.BestEpoch = state.BestEpoch;
        stopping.EpochsWithoutImprovement = state.StallCount;
        history.AddRange(state.History);
        try
        {
            var bytes = Convert.FromBase64String(state.TorchRngState);
            using var rng = torch.tensor(bytes, torch.uint8);
            torch.random.set_rng_state(rng);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{run.LastState}: torchRngState is not a generator state torch accepts ({e.Message}); the file may be damaged (train without --resume to start over).", e);
        }
    }

    private static Dictionary<string, Tensor> Snapshot(RetinaModel model, Dictionary<string, Tensor>? previous)
    {
        if (previous is not null) foreach (var t in previous.Values) t.Dispose();
        using var noGrad = torch.no_grad();
        return model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
    }

    private static void Load(RetinaModel model, Dictionary<string, Tensor> weights)
    {
        using var noGrad = torch.no_grad();
        var current = model.state_dict();
        foreach (var (key, value) in weights) current[key].copy_(value);
    }
}
