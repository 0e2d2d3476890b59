using TorchSharp;
using Workbench.Statistics;
using Workbench.Data;
using Workbench.Models;
using Workbench.Models.Layers;

namespace Workbench.Training;

/// <summary>A fitted model and how it was fitted.</summary>
/// <param name="Model">The model, in eval mode, on the training device.</param>
/// <param name="Training">The gradient-descent run, or null for models built in closed form (reverse-correlation LN).</param>
/// <param name="CentresEstimated">Whether receptive-field centres had to be estimated from the data (the recording had none).</param>
public sealed record FitResult(RetinaModel Model, TrainingResult? Training, bool CentresEstimated);

/// <summary>
/// From a training recording and a model family to a fitted model: builds the spec that fits the data (cells, size,
/// receptive-field centres for cutouts and convolutional readouts — from the recording, or estimated by reverse
/// correlation on the training blocks), seeds, builds the model outside any dispose scope, and trains or fits it.
/// </summary>
public static class Fitting
{
    /// <summary>Fits a model of <paramref name="kind"/> to <paramref name="train"/>.</summary>
    /// <param name="train">The training recording (normalised).</param>
    /// <param name="kind">The family.</param>
    /// <param name="options">Training options (history, seed, epochs …).</param>
    /// <param name="context">Device, run directory, progress.</param>
    /// <param name="customise">Adjusts the spec before the model is built (channels, readout, cutout …).</param>
    /// <exception cref="TrainingDivergedException">Training diverged before any good epoch; no model is returned (the one
    /// built here is disposed). A run that diverged later returns its best good epoch with status
    /// <see cref="TrainingStatus.Diverged"/>: call <see cref="TrainingResult.ThrowIfDiverged"/> where that must not pass.</exception>
    /// <exception cref="RunDirectoryException">The run directory cannot be used (see <see cref="Trainer.Train(RetinaModel, Recording, TrainingOptions, TrainingContext?)"/>).</exception>
    public static FitResult Fit(Recording train, ModelKind kind, TrainingOptions options, TrainingContext? context = null,
        Func<ModelSpec, ModelSpec>? customise = null)
    {
        options.Validate();
        context ??= new TrainingContext();
        var spec = new ModelSpec
        {
            Kind = kind,
            History = options.History,
            Height = (int)train.Height,
            Width = (int)train.Width,
            Cells = train.Cells.Count,
            ReadoutBias = kind != ModelKind.Stacked,
        };
        spec = customise?.Invoke(spec) ?? spec;
        bool estimated = false;
        bool needsCentres = spec.Kind is ModelKind.Ln or ModelKind.Glm or ModelKind.RevCorLn || spec.Readout == ReadoutKind.Convolutional;
        if (needsCentres && spec.CellPositions is null)
        {
            (spec, estimated) = (spec with { CellPositions = Centres(train, options) }, !train.Cells.All(c => c.Row is not null && c.Column is not null));
        }
        if (spec.Kind == ModelKind.Glm && spec.MeanSpikeCounts is null && train.Counts is { } counts)
        {
            // What the GLM assumes as its history when asked without recorded spikes (analyses, stimuli never recorded).
            using var mean = counts.to(torch.float64).mean([0]);
            spec = spec with { MeanSpikeCounts = mean.data<double>().ToArray() };
        }
        if (context.DataForCheckpoints is null) context = context with { DataForCheckpoints = train };

        torch.manual_seed(options.Seed);
        if (spec.Kind == ModelKind.RevCorLn)
        {
            var run = context.RunDirectory is { } folder ? new RunDirectory(folder) : null;
            run?.CheckStart(resume: false); // fitted in one go: nothing to resume
            using var windows = new HistoryWindows(train, options.History);
            var split = TimeSplit.Blocks(windows.Count, options.History, options.ValidationFraction, options.ValidationBlocks);
            var fitted = RevCorLn.Fit(windows, split.Training, spec, spec.NonlinearityBins);
            fitted.to(context.Device);
            fitted.eval();
            if (run is not null)
            {
                Directory.CreateDirectory(run.Path);
                Checkpoint.Save(fitted, run.BestWeights, new CheckpointInfo(fitted.Spec, train.Normalisation, train.Cells, train.Provenance, 0, null));
            }
            return new FitResult(fitted, null, estimated);
        }
        var model = RetinaModels.Create(spec);
        try
        {
            StartAtCentres(model, train, options, context);
            return new FitResult(model, Trainer.Train(model, train, options, context), estimated);
        }
        catch
        {
            model.Dispose(); // a fit that failed returns no model, diverged weights least of all
            throw;
        }
    }

    /// <summary>
    /// Fits one core shared by several recordings, each with its own per-cell readout (<see cref="SharedCoreModel"/>;
    /// Gaussian unless <paramref name="customise"/> asks for factorized), with
    /// <see cref="Trainer.Train(SharedCoreModel, IReadOnlyList{Recording}, TrainingOptions, TrainingContext?)"/>.
    /// </summary>
    /// <param name="recordings">The training recordings (each normalised by its own statistics), all of one frame size.</param>
    /// <param name="ids">Their readouts' ids (<see cref="RecordingCells.IsValidId"/>), one per recording.</param>
    /// <param name="kind"><see cref="ModelKind.BnCnn"/> or <see cref="ModelKind.Stacked"/>.</param>
    /// <param name="options">Training options.</param>
    /// <param name="context">Device, run directory, progress.</param>
    /// <param name="customise">Adjusts the architecture before the model is built (channels, kernels, readout).</param>
    /// <exception cref="ArgumentException">Fewer recordings than ids or the other way round, frame sizes differ, an id is
    /// invalid or repeated, or the readout is not per cell.</exception>
    public static FitResult FitShared(IReadOnlyList<Recording> recordings, IReadOnlyList<string> ids, ModelKind kind, TrainingOptions options,
        TrainingContext? context = null, Func<ModelSpec, ModelSpec>? customise = null)
    {
        ArgumentNullException.ThrowIfNull(recordings);
        ArgumentNullException.ThrowIfNull(ids);
        options.Validate();
        if (recordings.Count == 0 || recordings.Count != ids.Count)
            throw new ArgumentException($"{recordings.Count} recordings and {ids.Count} ids: one id per recording is needed.", nameof(ids));
        var first = recordings[0];
        foreach (var r in recordings.Skip(1))
            if (r.Height != first.Height || r.Width != first.Width)
                throw new ArgumentException($"{r.Provenance.Source} has {r.Height}x{r.Width} frames and {first.Provenance.Source} {first.Height}x{first.Width}: a shared core reads one frame size.", nameof(recordings));
        context ??= new TrainingContext();
        var architecture = new ModelSpec { Kind = kind, History = options.History, Height = (int)first.Height, Width = (int)first.Width, Readout = ReadoutKind.Gaussian };
        architecture = customise?.Invoke(architecture) ?? architecture;
        var spec = SharedCoreModel.SpecFor(architecture, recordings.Select((r, i) => new RecordingCells(ids[i], r.Cells.Count)).ToList());
        if (architecture.Readout is not (ReadoutKind.Gaussian or ReadoutKind.Factorized))
            throw new ArgumentException($"A core shared by recordings takes a per-cell readout (gaussian or factorized), not {architecture.Readout}.", nameof(customise));
        torch.manual_seed(options.Seed);
        var model = new SharedCoreModel(spec);
        try
        {
            for (int i = 0; i < ids.Count; i++) StartAtCentres(model.For(ids[i]), recordings[i], options, context);
            return new FitResult(model, Trainer.Train(model, recordings, options, context), false);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts a Gaussian readout's locations at its cells' receptive-field centres (<see cref="Centres"/>: recorded, or the
    /// peaks of their STAs on the training blocks) instead of the middle of the map, as openretina's point-Gaussian readout
    /// can (<c>init_grid</c>). From the middle, a cell whose field lies ten checkers away sees features that do not drive it, so its location
    /// gets almost no gradient: on the simulator's <c>small</c> retina, 5 minutes of training left the locations a median
    /// 9.2 checkers from the cells (10.9 at the middle). Nothing for other readouts, or when resuming (the run's own
    /// locations are loaded instead).
    /// </summary>
    internal static void StartAtCentres(RetinaModel model, Recording data, TrainingOptions options, TrainingContext? context = null)
    {
        if (model is not BnCnn { Readout: GaussianReadout gaussian } bncnn || context?.Resume == true) return;
        var centres = Centres(data, options);
        using var locations = torch.tensor(centres.SelectMany(c => new[] { c.Row - bncnn.CoreOffset, c.Column - bncnn.CoreOffset }).ToArray()).view(-1, 2);
        gaussian.InitialiseLocations(locations);
    }

    /// <summary>
    /// Receptive-field centres: the recording's own when every cell has one (simulator ground truth, the reference's
    /// CENTERS table), otherwise the peak of each cell's STA over the training blocks.
    /// </summary>
    public static IReadOnlyList<CellPosition> Centres(Recording train, TrainingOptions options)
    {
        if (train.Cells.All(c => c.Row is not null && c.Column is not null))
            return train.Cells.Select(c => new CellPosition(c.Row!.Value, c.Column!.Value)).ToList();
        using var windows = new HistoryWindows(train, options.History);
        var split = TimeSplit.Blocks(windows.Count, options.History, options.ValidationFraction, options.ValidationBlocks);
        using var stas = ReverseCorrelation.SpikeTriggeredAverages(windows, split.Training);
        return ReverseCorrelation.Centres(stas);
    }
}
