using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>
/// A model of retinal responses: input stimulus history <c>(B, History, H, W)</c>, output firing rates <c>(B, Cells)</c>,
/// with named internal layers. Analyses take this type, so they work alike on every family.
/// </summary>
public abstract class RetinaModel : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the model.</summary>
    protected RetinaModel(string name, ModelSpec spec) : base(name) => Spec = spec;

    /// <summary>The architecture, as saved with checkpoints.</summary>
    public ModelSpec Spec { get; }

    /// <summary>Names of the internal layers whose outputs <see cref="Activations"/> returns, in forward order.</summary>
    public abstract IReadOnlyList<string> LayerNames { get; }

    /// <summary>Runs the model and returns the outputs of the named layers (all of <see cref="LayerNames"/> when null)
    /// plus the final rates under "output".</summary>
    public IReadOnlyDictionary<string, Tensor> Activations(Tensor input, IEnumerable<string>? layers = null, Tensor? spikeHistory = null)
    {
        var wanted = (layers ?? LayerNames).ToHashSet(StringComparer.Ordinal);
        foreach (string name in wanted.Where(n => !LayerNames.Contains(n)))
            throw new ArgumentException($"{GetName()} has no layer '{name}'; its layers are {string.Join(", ", LayerNames)}.");
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        // Layer outputs live in the forward pass's dispose scope; move copies of the handles out to the caller's.
        result["output"] = Forward(input, spikeHistory, (name, t) => { if (wanted.Contains(name)) result[name] = t.alias().MoveToOuterDisposeScope(); });
        return result;
    }

    /// <summary>
    /// Runs the model over every window of consecutive <paramref name="frames"/> <c>(T, H, W)</c> at once — window
    /// <c>k</c> holds frames <c>k … k + History − 1</c>, so there are <c>T − History + 1</c> — and returns the outputs of the
    /// named layers (all of <see cref="LayerNames"/> when null) plus, with <paramref name="rates"/>, the rates under
    /// "output", each with one row per window. Without the rates the model may stop after the deepest named layer (the
    /// BN-CNN does: probing its first layer costs the first layer only).
    /// </summary>
    /// <remarks>
    /// The same numbers as <see cref="Activations"/> on the gathered windows (to float rounding). Families whose first
    /// layer is linear over the whole window compute it once per frame rather than once per window (the BN-CNN: a
    /// space-time FFT convolution, <see cref="Runtime.FftConvolution.Sliding(Tensor, Tensor, Tensor?)"/>); the others gather the windows.
    /// Not for models that need spike history (<see cref="NeedsSpikeHistory"/>): their windows need the recorded counts too.
    /// </remarks>
    /// <exception cref="ArgumentException">The frames are not (T ≥ History, Height, Width), or a layer is unknown.</exception>
    public IReadOnlyDictionary<string, Tensor> MovieActivations(Tensor frames, IEnumerable<string>? layers = null, bool rates = true)
    {
        var wanted = (layers ?? LayerNames).ToHashSet(StringComparer.Ordinal);
        foreach (string name in wanted.Where(n => !LayerNames.Contains(n)))
            throw new ArgumentException($"{GetName()} has no layer '{name}'; its layers are {string.Join(", ", LayerNames)}.");
        CheckFrames(frames);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        // Without the rates, the deepest wanted layer is as far as the model needs to go.
        string? last = rates ? null : LayerNames.LastOrDefault(wanted.Contains);
        var output = ForwardMovie(frames, (name, t) => { if (wanted.Contains(name)) result[name] = t.alias().MoveToOuterDisposeScope(); }, last);
        if (rates) result["output"] = output ?? throw new InvalidOperationException($"{GetName()} stopped its movie pass before the rates.");
        else output?.Dispose();
        return result;
    }

    /// <summary>Rates for every window of consecutive <paramref name="frames"/> <c>(T, H, W)</c>: <c>(T − History + 1, N)</c>.
    /// See <see cref="MovieActivations"/>.</summary>
    public Tensor PredictMovie(Tensor frames)
    {
        CheckFrames(frames);
        return ForwardMovie(frames, null, null) ?? throw new InvalidOperationException($"{GetName()} stopped its movie pass before the rates.");
    }

    /// <summary>
    /// The forward pass over every window of consecutive frames <c>(T, H, W)</c>. By default the windows are gathered
    /// (one copy; of <see cref="InputRegion"/> only, when the model has one) and run through
    /// <see cref="Forward(Tensor, Action{string, Tensor}?)"/>; override to share work between overlapping windows. Must
    /// give the same numbers as the default. When <paramref name="last"/> names a layer, the caller needs nothing after it:
    /// an override may stop once it has reported that layer and return null.
    /// </summary>
    protected virtual Tensor? ForwardMovie(Tensor frames, Action<string, Tensor>? observe, string? last)
    {
        // A model that reads part of each frame gets windows of that part only (Forward accepts them).
        using var region = InputRegion is { } r && !r.Covers(frames.shape[1], frames.shape[2])
            ? frames.narrow(1, r.Row, r.Height).narrow(2, r.Column, r.Width)
            : null;
        if (region is not null) frames = region;
        long h = frames.shape[1], w = frames.shape[2], count = frames.shape[0] - Spec.History + 1;
        // No dispose scope here: Activations' observer moves layer outputs one scope out of Forward's own.
        var contiguous = frames.is_contiguous() ? null : frames.contiguous();
        try
        {
            var source = contiguous ?? frames;
            // A view (e.g. a narrowed stimulus) starts inside its storage: the windows start where it does.
            using var view = source.as_strided([count, Spec.History, h, w], [h * w, h * w, w, 1], source.storage_offset());
            using var windows = view.contiguous();
            return Forward(windows, observe);
        }
        finally
        {
            contiguous?.Dispose();
        }
    }

    /// <summary>Checks a movie's shape against the spec, naming what was expected.</summary>
    protected void CheckFrames(Tensor frames)
    {
        if (frames.dim() != 3 || frames.shape[0] < Spec.History || frames.shape[1] != Spec.Height || frames.shape[2] != Spec.Width)
            throw new ArgumentException(
                $"{GetName()} runs over frames (T >= {Spec.History}, {Spec.Height}, {Spec.Width}), got [{string.Join(", ", frames.shape)}].");
        if (NeedsSpikeHistory)
            throw new ArgumentException($"{GetName()} needs the recorded spike history of each window; run it window by window (Predict) with the counts.");
    }

    /// <summary>
    /// Sets the additive offset before the output softplus so that each cell starts near its mean rate
    /// <paramref name="meanRates"/> <c>(N)</c>: offset = softplus⁻¹(mean). Returns false for models without such an offset.
    /// </summary>
    public virtual bool CalibrateOutput(Tensor meanRates) => false;

    /// <summary>Whether training starts each cell at its mean rate (<see cref="CalibrateOutput"/>) whatever the options say:
    /// true for readouts whose bias is meant to start there (the Gaussian and factorized readouts).</summary>
    public virtual bool StartsAtMeanRates => false;

    /// <summary>The model's own penalty on its parameters (a scalar added to the training loss), or null: e.g. the L1 of a
    /// factorized or Gaussian readout.</summary>
    public virtual Tensor? Regularisation() => null;

    /// <summary>softplus⁻¹(y) = log(expm1(y)), for rates floored at 1e-3 so a silent cell gets a finite offset.</summary>
    protected static Tensor InverseSoftplus(Tensor rates)
    {
        var y = rates.to(float64).clamp_min(1e-3);
        return torch.where(y > 20, y, y.expm1().log()).to(float32);
    }

    /// <summary>
    /// The part of the stimulus the model reads, or null when it reads whole frames. A model with a region also accepts
    /// input cropped to exactly it, <c>(B, History, region height, region width)</c>, and gives the same numbers as for
    /// the whole frames: training gathers only that crop of each window (<see cref="Training.Trainer"/>).
    /// </summary>
    public virtual Data.StimulusRegion? InputRegion => null;

    /// <summary>The stimulus checker (row, column) at the top left of <paramref name="input"/>: (0, 0) for whole frames,
    /// <see cref="InputRegion"/>'s corner for cropped input. Call after <see cref="CheckInput"/>.</summary>
    protected (int Row, int Column) InputOrigin(Tensor input) =>
        input.shape[2] == Spec.Height && input.shape[3] == Spec.Width || InputRegion is not { } r ? (0, 0) : (r.Row, r.Column);

    /// <summary>
    /// For training on <paramref name="recording"/>: a route to the rates of windows named by their first frames that
    /// needs no gathering of the windows, or null when this model has none (the trainer then gathers them). Its numbers
    /// must be <see cref="Predict"/>'s on the gathered windows, to float rounding.
    /// </summary>
    internal virtual WindowPredictor? PredictorFor(Data.Recording recording, Device device) => null;

    /// <summary>Whether predictions also need the cells' recorded spike counts in the preceding bins (the GLM).</summary>
    public virtual bool NeedsSpikeHistory => false;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => Forward(input, null);

    /// <summary>
    /// Rates for stimulus windows <c>(B, History, H, W)</c> and, for models that need it, the recorded spike counts of the
    /// preceding bins <c>(B, History, N)</c> (ignored by the others).
    /// </summary>
    public Tensor Predict(Tensor stimulus, Tensor? spikeHistory = null) => Forward(stimulus, spikeHistory, null);

    /// <summary>The forward pass with optional spike history; models that do not use it ignore it.</summary>
    protected virtual Tensor Forward(Tensor stimulus, Tensor? spikeHistory, Action<string, Tensor>? observe) => Forward(stimulus, observe);

    /// <summary>The forward pass, reporting each named layer's output to <paramref name="observe"/> when given.</summary>
    protected abstract Tensor Forward(Tensor input, Action<string, Tensor>? observe);

    /// <summary>Checks the input shape against the spec (whole frames, or frames cropped to <see cref="InputRegion"/>),
    /// naming what was expected.</summary>
    protected void CheckInput(Tensor input)
    {
        bool whole = input.dim() == 4 && input.shape[1] == Spec.History && input.shape[2] == Spec.Height && input.shape[3] == Spec.Width;
        if (whole) return;
        var region = InputRegion;
        bool cropped = region is not null && input.dim() == 4 && input.shape[1] == Spec.History
                       && input.shape[2] == region.Height && input.shape[3] == region.Width;
        if (!cropped)
            throw new ArgumentException(
                $"{GetName()} expects input (B, {Spec.History}, {Spec.Height}, {Spec.Width})" +
                (region is null ? "" : $" or cropped to its input region (B, {Spec.History}, {region.Height}, {region.Width})") +
                $", got [{string.Join(", ", input.shape)}].");
    }
}
