using System.Diagnostics;
using System.Globalization;
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

    /// <summary>Folder for checkpoints and history; null keeps everything in memory. A new run needs a folder that holds
    /// no run yet (it may exist and hold other files).</summary>
    public string? RunDirectory { get; init; }

    /// <summary>Continue from the run directory's last completed epoch. Refused for a run that diverged or has no
    /// completed epoch; a folder that holds no run starts a new one.</summary>
    public bool Resume { get; init; }

    /// <summary>Receives batch, epoch and stop events.</summary>
    public IProgress<TrainingEvent>? Progress { get; init; }

    /// <summary>Stops the run after the current batch; the last completed epoch stays resumable.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Facts about the data recorded with every checkpoint (normalisation, cells, provenance).</summary>
    public Recording? DataForCheckpoints { get; init; }

    /// <summary>Whether batches hold only the model's <see cref="RetinaModel.InputRegion"/> when it is small enough
    /// (<see cref="Trainer.CropFraction"/>); false gathers whole frames (tests compare the two).</summary>
    internal bool CropToInputRegion { get; init; } = true;
}

/// <summary>
/// Fits a <see cref="RetinaModel"/> to a recording: Adam on the Poisson (or MSE) loss plus L1 on the output activity,
/// weight decay as L2, validation on contiguous held-out blocks, a learning-rate schedule and early stopping driven by
/// the validation correlation (maximised), best-weights checkpoints and resumable state.
/// </summary>
/// <remarks>
/// <para>Divergence is a failure. After every batch the loss and every weight must be finite, and after every epoch the
/// validation predictions. The first time one is not, training stops. If an earlier epoch ended with finite weights whose
/// validation correlation beat the untrained model's (measured before the first batch), the model gets that epoch's
/// weights back and the result has status <see cref="TrainingStatus.Diverged"/> with the epoch and batch; otherwise there
/// is no model: <see cref="Train(RetinaModel, Recording, TrainingOptions, TrainingContext?)"/> throws <see cref="TrainingDivergedException"/> naming them. Either way the run
/// directory's <c>result.json</c> says <c>Diverged</c>, and the run is never resumed.</para>
/// <para>Deterministic on CPU for a given seed and thread count. One dispose scope per batch; nothing but the batch's
/// windows is ever copied out of the stimulus, except, for models that read a small part of each frame, that part once
/// (<see cref="CropFraction"/>).</para>
/// </remarks>
public static class Trainer
{
    /// <summary>
    /// Batches hold only the model's <see cref="RetinaModel.InputRegion"/> when it covers at most this fraction of the
    /// frame. Cropping copies that part of the stimulus once (<see cref="HistoryWindows"/>); above this fraction the copy
    /// would cost more memory than the gathering it saves is worth.
    /// </summary>
    public const double CropFraction = 0.75;

    /// <summary>The rectangle training gathers of each frame for <paramref name="model"/> on a
    /// <paramref name="height"/>×<paramref name="width"/> stimulus, or null for whole frames.</summary>
    public static StimulusRegion? TrainingCrop(RetinaModel model, long height, long width) =>
        model.InputRegion is { } region && region.FitsIn(height, width) && region.Area <= CropFraction * height * width ? region : null;

    /// <summary>Trains <paramref name="model"/> (built outside any dispose scope) on <paramref name="recording"/>.</summary>
    /// <exception cref="ArgumentException">Options are out of range, or the model does not fit the recording.</exception>
    /// <exception cref="RunDirectoryException">The run directory already holds a run and this is not a resume; or a resume
    /// was asked of a run that diverged, or of one with no completed epoch. Nothing was written.</exception>
    /// <exception cref="TrainingDivergedException">Training diverged before any good epoch: there is no model (the
    /// <paramref name="model"/> object holds the diverged weights). result.json records it.</exception>
    public static TrainingResult Train(RetinaModel model, Recording recording, TrainingOptions options, TrainingContext? context = null)
    {
        context ??= new TrainingContext();
        options.Validate();
        CheckFits(model, recording, options);
        var crop = context.CropToInputRegion ? TrainingCrop(model, recording.Height, recording.Width) : null;
        return Run(model, [new PartSource(model, recording, crop)], options, context);
    }

    /// <summary>
    /// Trains a core shared by several recordings (<paramref name="recordings"/>, in the order of
    /// <see cref="ModelSpec.Recordings"/>): every epoch interleaves shuffled batches of all recordings, each batch through its
    /// own recording's readout (<see cref="SharedCoreModel.For(string)"/>) with that readout's penalty only. Validation holds
    /// out the same fraction of each recording; the validation correlation is the mean over all cells of all recordings.
    /// Checkpoints hold the core and every readout; their sidecar lists every recording's cells and source
    /// (<see cref="CheckpointInfo.Recordings"/>). Everything else is as in <see cref="Train(RetinaModel, Recording, TrainingOptions, TrainingContext?)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The recordings do not match the model's (count, cells, frame size), or options are out of range.</exception>
    public static TrainingResult Train(SharedCoreModel model, IReadOnlyList<Recording> recordings, TrainingOptions options, TrainingContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(recordings);
        context ??= new TrainingContext();
        options.Validate();
        var ids = model.RecordingIds;
        if (recordings.Count != ids.Count)
            throw new ArgumentException($"The model reads out {ids.Count} recordings ({string.Join(", ", ids)}); {recordings.Count} were given.", nameof(recordings));
        var parts = new List<PartSource>();
        for (int i = 0; i < ids.Count; i++)
        {
            var view = model.For(ids[i]);
            CheckFits(view, recordings[i], options);
            parts.Add(new PartSource(view, recordings[i], null));
        }
        return Run(model, parts, options, context);
    }

    private static void CheckFits(RetinaModel model, Recording recording, TrainingOptions options)
    {
        var spec = model.Spec;
        if (spec.History != options.History || spec.Height != recording.Height || spec.Width != recording.Width || spec.Cells != recording.Cells.Count)
            throw new ArgumentException(
                $"The model expects {spec.History} frames of {spec.Height}x{spec.Width} and {spec.Cells} cells; the data are " +
                $"{options.History} frames of {recording.Height}x{recording.Width} with {recording.Cells.Count} cells ({recording.Provenance.Source}).");
        if (model.NeedsSpikeHistory && recording.Counts is null)
            throw new ArgumentException($"{recording.Provenance.Source}: a {spec.Kind} needs binned spike counts, and the recording has none.");
    }

    /// <summary>What trains on one recording: the model its batches run through, the data, and the crop they are gathered with.</summary>
    private sealed record PartSource(RetinaModel Model, Recording Recording, StimulusRegion? Crop);

    /// <summary>One recording during a run: its model, windows and split, and the model's own route to training batches
    /// (<see cref="RetinaModel.PredictorFor"/>), if it has one.</summary>
    private sealed record Part(RetinaModel Model, Recording Recording, HistoryWindows Windows, TimeSplit Split, WindowPredictor? Predictor);

    private static TrainingResult Run(RetinaModel model, IReadOnlyList<PartSource> sources, TrainingOptions options, TrainingContext context)
    {
        // Models that read part of each frame (LN and GLM cutouts) get batches of that part only: same numbers, a fraction
        // of the bytes gathered and multiplied.
        var parts = new List<Part>();
        try
        {
            foreach (var source in sources)
            {
                var windows = new HistoryWindows(source.Recording, options.History, source.Crop);
                var predictor = source.Model.NeedsSpikeHistory ? null : source.Model.PredictorFor(source.Recording, context.Device);
                parts.Add(new Part(source.Model, source.Recording, windows,
                    TimeSplit.Blocks(windows.Count, options.History, options.ValidationFraction, options.ValidationBlocks), predictor));
            }
            return Run(model, parts, options, context);
        }
        finally
        {
            foreach (var part in parts)
            {
                part.Windows.Dispose();
                part.Predictor?.Dispose();
            }
        }
    }

    private static TrainingResult Run(RetinaModel model, IReadOnlyList<Part> parts, TrainingOptions options, TrainingContext context)
    {
        var injection = NaNInjection.FromEnvironment();
        var run = context.RunDirectory is null ? null : new RunDirectory(context.RunDirectory);
        bool resume = run?.CheckStart(context.Resume) ?? false;

        var clock = Stopwatch.StartNew();
        var split = parts[0].Split;
        model.to(context.Device);
        using var optimizer = torch.optim.Adam(model.parameters(), options.LearningRate, weight_decay: options.L2);
        var schedule = new LearningRateSchedule(options);
        var stopping = new EarlyStopping(options);
        var history = new List<EpochSummary>();
        Dictionary<string, Tensor>? bestInMemory = null;

        double initial;
        if (resume)
            initial = Restore(run!, model, optimizer, schedule, stopping, history);
        else
        {
            torch.manual_seed(options.Seed);
            if (options.CalibrateOutput || model.StartsAtMeanRates)
                foreach (var part in parts) CalibrateOutput(part.Model, part.Recording, part.Split, options.History, context.Device);
            if (run is not null)
            {
                Directory.CreateDirectory(run.Path);
                if (parts.Count == 1)
                    IO.JsonFiles.Write(run.Config, new { options, spec = model.Spec, data = parts[0].Recording.Provenance, split, device = context.Device.ToString() });
                else
                    IO.JsonFiles.Write(run.Config, new { options, spec = model.Spec, data = parts.Select(p => p.Recording.Provenance).ToList(),
                        splits = parts.Select(p => p.Split).ToList(), device = context.Device.ToString() });
            }
            // The bar a diverging run's best epoch must have beaten for its weights to be kept. Eval mode draws no noise,
            // so this leaves the random streams, and so the run, exactly as they would be without it.
            var (_, start, finite) = Validate(model, parts, options, context.Device);
            initial = finite ? start.Average() : double.NaN;
        }

        var status = TrainingStatus.Completed;
        string reason = $"ran all {options.Epochs} epochs";
        Divergence? divergence = null;
        try
        {
            for (int epoch = history.Count + 1; epoch <= options.Epochs; epoch++)
            {
                SetLearningRate(optimizer, schedule.Rate);
                var epochClock = Stopwatch.StartNew();
                var (trainLoss, samples, batches, diverged) = TrainEpoch(model, parts, options, optimizer, context, epoch, history.Count, injection);
                if (diverged is not null)
                {
                    divergence = diverged;
                    break;
                }
                double trainSeconds = epochClock.Elapsed.TotalSeconds;
                var (validationLoss, correlations, predictionsFinite) = Validate(model, parts, options, context.Device);
                if (!predictionsFinite)
                {
                    divergence = new Divergence(epoch, batches, "the predictions on the validation blocks after this epoch's last batch became non-finite");
                    break;
                }
                double meanR = correlations.Average();
                bool improved = stopping.Record(epoch, meanR);
                var summary = new EpochSummary(epoch, trainLoss, validationLoss, meanR, correlations, schedule.Rate,
                    samples / Math.Max(trainSeconds, 1e-9), epochClock.Elapsed.TotalSeconds, improved);
                history.Add(summary);
                if (stopping.BestEpoch == epoch)
                {
                    if (run is not null) SaveBest(run, model, context, parts, epoch, meanR);
                    else bestInMemory = Snapshot(model, bestInMemory);
                }
                schedule.AfterEpoch(epoch, improved);
                if (run is not null)
                {
                    SaveResumeState(run, model, optimizer, schedule, stopping, history, initial);
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

        try
        {
            if (divergence is not null)
            {
                status = TrainingStatus.Diverged;
                // NaN initial (unknown, or the untrained model's own predictions were non-finite): any finite epoch beats it.
                bool goodEpoch = stopping.BestEpoch > 0 && double.IsFinite(stopping.Best) && !(stopping.Best <= initial);
                if (!goodEpoch)
                {
                    string before = $"before any epoch ended with finite weights whose validation correlation beat the untrained model's ({initial:F4}" +
                                    (stopping.BestEpoch > 0 ? $"; the best epoch, {stopping.BestEpoch}, reached {stopping.Best:F4})" : ")");
                    var failed = new TrainingResult(status, $"diverged in {divergence} {before}; there is no model", history, 0, double.NaN,
                        split, clock.Elapsed, run?.Path, initial, divergence);
                    if (run is not null)
                    {
                        run.RemoveBest();
                        IO.JsonFiles.Write(run.Result, failed);
                    }
                    model.eval();
                    context.Progress?.Report(new TrainingStopped(status, failed.Reason));
                    throw new TrainingDivergedException(divergence, run?.Path,
                        $"Training diverged in {divergence}, {before}, so there is no model" +
                        (run is not null ? $" ({run.Result} records the failure)" : "") +
                        ". Lower the learning rate, check the data, or check this machine's numerics (workbench env).");
                }
                reason = $"diverged in {divergence}; the model holds the weights of epoch {stopping.BestEpoch} " +
                         $"(validation r {stopping.Best:F4}; untrained {initial:F4})";
            }
            if ((options.RestoreBest || status == TrainingStatus.Diverged) && stopping.BestEpoch > 0)
            {
                if (run is not null) Checkpoint.LoadWeights(model, run.BestWeights);
                else if (bestInMemory is not null) Load(model, bestInMemory);
            }
            model.eval();
            var result = new TrainingResult(status, reason, history, stopping.BestEpoch, stopping.BestEpoch > 0 ? stopping.Best : double.NaN,
                split, clock.Elapsed, run?.Path, initial, divergence);
            if (run is not null) IO.JsonFiles.Write(run.Result, result);
            context.Progress?.Report(new TrainingStopped(status, reason));
            return result;
        }
        finally
        {
            if (bestInMemory is not null) foreach (var t in bestInMemory.Values) t.Dispose();
        }
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

    /// <summary>This epoch's batches of every part, as (part, windows): each part's shuffled batches in their order,
    /// interleaved across parts at random (seeded) so no recording's batches come in one run.</summary>
    private static List<(int Part, long[] Windows)> EpochBatches(IReadOnlyList<Part> parts, TrainingOptions options, int epoch)
    {
        var perPart = new List<List<long[]>>();
        for (int i = 0; i < parts.Count; i++)
        {
            // The first part's seeds are the single-recording trainer's, so one recording trains exactly as before.
            int seed = unchecked(options.Seed * 7919 + epoch + 104729 * i);
            var batches = WindowBatches.Shuffled(parts[i].Split.Training, options.BatchSize, seed, dropLast: true).ToList();
            if (batches.Count == 0) batches = WindowBatches.Shuffled(parts[i].Split.Training, options.BatchSize, seed: unchecked(options.Seed + epoch + 104729 * i)).ToList();
            perPart.Add(batches);
        }
        var order = perPart.SelectMany((b, i) => Enumerable.Repeat(i, b.Count)).ToArray();
        if (parts.Count > 1) new Random(unchecked(options.Seed * 31 + epoch)).Shuffle(order);
        var next = new int[parts.Count];
        var all = order.Select(i => (i, perPart[i][next[i]++])).ToList();
        return options.MaxBatchesPerEpoch is { } max ? all.Take(max).ToList() : all;
    }

    private static (double Loss, long Samples, int Batches, Divergence? Diverged) TrainEpoch(RetinaModel model, IReadOnlyList<Part> parts,
        TrainingOptions options, torch.optim.Optimizer optimizer, TrainingContext context, int epoch, int epochsDoneBefore, NaNInjection? injection)
    {
        model.train();
        var batches = EpochBatches(parts, options, epoch);
        double lossSum = 0;
        long samples = 0;
        var clock = Stopwatch.StartNew();
        for (int b = 0; b < batches.Count; b++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            using var scope = torch.NewDisposeScope();
            string note = injection?.ApplyIfDue(model, epoch, b + 1) == true ? " " + injection.Note : "";
            var (part, indices) = batches[b];
            var (batchModel, windows, fast) = (parts[part].Model, parts[part].Windows, parts[part].Predictor);
            optimizer.zero_grad();
            Tensor predicted, targets;
            if (fast is not null)
                (predicted, targets) = (fast.Predict(indices), windows.Targets(indices, context.Device));
            else
            {
                (var inputs, targets) = windows.ReusedBatch(indices, context.Device);
                predicted = batchModel.Predict(inputs, batchModel.NeedsSpikeHistory ? windows.SpikeHistory(indices, context.Device) : null);
            }
            var data = Losses.Compute(options.Loss, predicted, targets);
            var loss = options.L1 > 0 ? data + Losses.OutputL1(predicted, options.L1) : data;
            if (batchModel.Regularisation() is { } penalty) loss = loss + penalty;
            double value = data.item<float>(), total = loss.item<float>();
            if (!double.IsFinite(value) || !double.IsFinite(total))
                return (double.NaN, samples, b + 1, new Divergence(epoch, b + 1,
                    $"the loss became {(double.IsFinite(value) ? $"{total} (with the L1 penalties)" : value.ToString(CultureInfo.InvariantCulture))}{note}"));
            loss.backward();
            optimizer.step();
            if (FirstNonFinite(model) is { } name)
                return (double.NaN, samples, b + 1, new Divergence(epoch, b + 1, $"this batch's update made {name} non-finite{note}"));
            lossSum += value;
            samples += indices.Length;
            double speed = samples / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            double epochSeconds = batches.Sum(x => x.Windows.Length) / speed;
            var eta = TimeSpan.FromSeconds(epochSeconds * (options.Epochs - epochsDoneBefore) - clock.Elapsed.TotalSeconds);
            context.Progress?.Report(new BatchCompleted(epoch, b + 1, batches.Count, value, speed, eta < TimeSpan.Zero ? TimeSpan.Zero : eta));
        }
        return (lossSum / Math.Max(1, batches.Count), samples, batches.Count, null);
    }

    /// <summary>The name of the first parameter or buffer holding a NaN or infinity, or null (one synchronisation for all).</summary>
    private static string? FirstNonFinite(RetinaModel model)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var named = model.named_parameters().Select(p => (Name: p.name, Tensor: (Tensor)p.parameter))
            .Concat(model.named_buffers().Select(b => (Name: b.name, Tensor: b.buffer))).Where(t => t.Tensor.is_floating_point()).ToList();
        if (named.Count == 0) return null;
        var finite = torch.stack(named.Select(t => t.Tensor.isfinite().all()).ToArray());
        if (finite.all().item<bool>()) return null;
        var flags = finite.cpu().data<bool>().ToArray();
        return named[Array.IndexOf(flags, false)].Name;
    }

    /// <summary>Loss and per-cell correlation on the validation blocks, in eval mode, without gradients, and whether every
    /// prediction was finite (if not, the loss and correlations are meaningless).</summary>
    /// <remarks>With several parts: the correlations of every part's cells in order, and the loss averaged over all of
    /// their predictions.</remarks>
    private static (double Loss, double[] Correlations, bool Finite) Validate(RetinaModel model, IReadOnlyList<Part> parts, TrainingOptions options, Device device)
    {
        model.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var correlations = new List<double>();
        double lossSum = 0, count = 0, loss = double.NaN;
        foreach (var part in parts)
        {
            var predictions = new List<Tensor>();
            var targets = new List<Tensor>();
            int chunk = Math.Max(options.BatchSize, 512);
            if (part.Model.NeedsSpikeHistory)
                foreach (var batch in WindowBatches.InOrder(part.Split.Validation, chunk))
                {
                    // A scope per batch frees the windows and every intermediate activation before the next batch.
                    using var batchScope = torch.NewDisposeScope();
                    var (inputs, target) = part.Windows.ReusedBatch(batch, device);
                    predictions.Add(part.Model.Predict(inputs, part.Windows.SpikeHistory(batch, device)).cpu().MoveToOuterDisposeScope());
                    targets.Add(target.cpu().MoveToOuterDisposeScope());
                }
            else
                // The validation blocks are runs of consecutive windows: the model runs over their frames, computing what
                // overlapping windows share once (RetinaModel.PredictMovie; the BN-CNN's first layer once per frame).
                foreach (var range in part.Split.Validation)
                    for (long first = range.Start; first < range.End; first += chunk)
                    {
                        using var batchScope = torch.NewDisposeScope();
                        long windows = Math.Min(chunk, range.End - first);
                        predictions.Add(part.Model.PredictMovie(part.Windows.Frames(first, windows, device)).cpu().MoveToOuterDisposeScope());
                        targets.Add(part.Recording.Rates.narrow(0, first + part.Windows.History, windows).cpu().MoveToOuterDisposeScope());
                    }
            var p = torch.cat(predictions, 0);
            var y = torch.cat(targets, 0);
            if (!p.isfinite().all().item<bool>()) return (double.NaN, Enumerable.Repeat(double.NaN, model.Spec.Cells).ToArray(), false);
            double elements = p.numel();
            loss = Losses.Compute(options.Loss, p, y).item<float>();
            lossSum += loss * elements;
            count += elements;
            correlations.AddRange(Correlation.PerCell(p, y));
        }
        return (parts.Count == 1 ? loss : lossSum / count, correlations.ToArray(), true);
    }

    private static void SetLearningRate(torch.optim.Optimizer optimizer, double rate)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
    }

    private static void SaveBest(RunDirectory run, RetinaModel model, TrainingContext context, IReadOnlyList<Part> parts, int epoch, double correlation)
    {
        var data = context.DataForCheckpoints;
        CheckpointInfo info;
        if (parts.Count == 1)
            info = new CheckpointInfo(model.Spec, data?.Normalisation, data?.Cells ?? [], data?.Provenance, epoch, correlation);
        else
        {
            var recordings = parts.Select((p, i) => new RecordingSource(model.Spec.Recordings![i].Id, p.Recording.Cells, p.Recording.Provenance, p.Recording.Normalisation)).ToList();
            info = new CheckpointInfo(model.Spec, (data ?? parts[0].Recording).Normalisation, parts.SelectMany(p => p.Recording.Cells).ToList(),
                (data ?? parts[0].Recording).Provenance, epoch, correlation) { Recordings = recordings };
        }
        Checkpoint.Save(model, run.BestWeights, info);
    }

    private static void SaveResumeState(RunDirectory run, RetinaModel model, TorchSharp.Modules.Adam optimizer,
        LearningRateSchedule schedule, EarlyStopping stopping, List<EpochSummary> history, double initial)
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
            stopping.EpochsWithoutImprovement, history, Convert.ToBase64String(rng.bytes.ToArray()), initial);
        IO.JsonFiles.Write(run.LastState, state);
    }

    /// <summary>Puts the model, optimizer, counters and RNG back as the last completed epoch left them; returns the
    /// untrained model's validation correlation recorded with them.</summary>
    private static double Restore(RunDirectory run, RetinaModel model, TorchSharp.Modules.Adam optimizer,
        LearningRateSchedule schedule, EarlyStopping stopping, List<EpochSummary> history)
    {
        // Every file of last/ may be damaged (a copy cut short, a bad disk): each failure names its file, and --resume can
        // simply be dropped to start over.
        var state = IO.JsonFiles.Read<ResumeState>(run.LastState);
        if (state.History is null || state.TorchRngState is null)
            throw new InvalidDataException($"{run.LastState}: {(state.History is null ? "history" : "torchRngState")} is missing; the file is damaged (train without --resume to start over).");
        // A damaged key reads as a missing value: every epoch must be whole, numbered in order, with one correlation per cell.
        for (int i = 0; i < state.History.Count; i++)
            if (state.History[i] is not { } e || e.Epoch != i + 1 || e.CellCorrelations is null || e.CellCorrelations.Count != model.Spec.Cells)
                throw new InvalidDataException($"{run.LastState}: history entry {i + 1} is not epoch {i + 1} with {model.Spec.Cells} cell correlations; the file is damaged (train without --resume to start over).");
        if (state.History.Count != state.EpochsCompleted)
            throw new InvalidDataException($"{run.LastState}: epochsCompleted is {state.EpochsCompleted} but the history holds {state.History.Count} epochs; the file is damaged (train without --resume to start over).");
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
        return state.InitialValidationCorrelation;
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
