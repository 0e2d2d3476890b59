using TorchSharp;
using Workbench.Data;
using Workbench.Metrics;
using Workbench.Models;

namespace Workbench.Training;

/// <summary>One amount of training data of a <see cref="TransferCurve"/>: the held-out scores of both ways of fitting it.</summary>
/// <param name="Minutes">Minutes of the new recording's training split used (its first ones).</param>
/// <param name="Transferred">The frozen core with a new readout fitted on them (<see cref="Transfer.Fit"/>).</param>
/// <param name="Scratch">The same architecture, core and readout, trained from scratch on them.</param>
public sealed record TransferCurvePoint(double Minutes, ModelEvaluation Transferred, ModelEvaluation Scratch);

/// <summary>
/// The learning curve of Lurz et al. (Fig. 4–5): held-out correlation against the amount of data from a new recording, for
/// a transferred core with a new readout and for the whole model trained from scratch. A core that generalises wins where
/// data are scarce.
/// </summary>
/// <param name="Points">One per amount of data, in the order asked.</param>
public sealed record TransferCurve(IReadOnlyList<TransferCurvePoint> Points)
{
    /// <summary>
    /// Fits both models on the first <paramref name="minutes"/> of <paramref name="train"/> (each amount separately, the same
    /// <paramref name="options"/> and seed) and scores them on <paramref name="test"/>. Both recordings must be normalised as
    /// <paramref name="core"/>'s training data were. The scratch model has the core's architecture and the readout
    /// <paramref name="customise"/> gives the transferred one (Gaussian by default).
    /// </summary>
    /// <exception cref="ArgumentException">No amounts, or one not positive.</exception>
    public static TransferCurve Measure(BnCnn core, Recording train, Recording test, IReadOnlyList<double> minutes, TrainingOptions options,
        Func<ModelSpec, ModelSpec>? customise = null, torch.Device? device = null, Func<string, IProgress<TrainingEvent>?>? progress = null)
    {
        if (minutes.Count == 0 || minutes.Any(m => !(m > 0) || !double.IsFinite(m)))
            throw new ArgumentException($"Give positive amounts of data in minutes; got [{string.Join(", ", minutes)}].", nameof(minutes));
        device ??= torch.CPU;
        var points = new List<TransferCurvePoint>();
        foreach (double m in minutes)
        {
            long frames = Math.Min(train.Frames, (long)Math.Round(m * 60 / train.FramePeriod));
            using var head = frames < train.Frames ? train.Head(frames) : null;
            var data = head ?? train;
            ModelEvaluation Score(FitResult fit, string name)
            {
                using var model = fit.Model;
                fit.Training?.ThrowIfDiverged();
                using var predicted = Predictions.For(model, test, device);
                return ModelEvaluation.Of(name, predicted, test, options.History);
            }
            var transferred = Score(Transfer.Fit(core, data, options, new TrainingContext { Device = device, Progress = progress?.Invoke($"transfer, {m:G3} min") }, customise),
                $"transferred core, {m:G3} min");
            var scratch = Score(Fitting.Fit(data, core.IsStacked ? ModelKind.Stacked : ModelKind.BnCnn, options,
                    new TrainingContext { Device = device, Progress = progress?.Invoke($"from scratch, {m:G3} min") },
                    s => Readout(s with { Channels = core.Spec.Channels, Kernels = core.Spec.Kernels, BatchNorm = core.Spec.BatchNorm, Noise = core.Spec.Noise })),
                $"from scratch, {m:G3} min");
            points.Add(new TransferCurvePoint(m, transferred, scratch));
        }
        return new TransferCurve(points);

        ModelSpec Readout(ModelSpec s)
        {
            var chosen = customise?.Invoke(s with { Readout = ReadoutKind.Gaussian }) ?? s with { Readout = ReadoutKind.Gaussian };
            return s with { Readout = chosen.Readout, GaussianShape = chosen.GaussianShape, ReadoutL1 = chosen.ReadoutL1 };
        }
    }
}
