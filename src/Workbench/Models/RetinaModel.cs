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
    /// Sets the additive offset before the output softplus so that each cell starts near its mean rate
    /// <paramref name="meanRates"/> <c>(N)</c>: offset = softplus⁻¹(mean). Returns false for models without such an offset.
    /// </summary>
    public virtual bool CalibrateOutput(Tensor meanRates) => false;

    /// <summary>softplus⁻¹(y) = log(expm1(y)), for rates floored at 1e-3 so a silent cell gets a finite offset.</summary>
    protected static Tensor InverseSoftplus(Tensor rates)
    {
        var y = rates.to(float64).clamp_min(1e-3);
        return torch.where(y > 20, y, y.expm1().log()).to(float32);
    }

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

    /// <summary>Checks the input shape against the spec, naming what was expected.</summary>
    protected void CheckInput(Tensor input)
    {
        if (input.dim() != 4 || input.shape[1] != Spec.History || input.shape[2] != Spec.Height || input.shape[3] != Spec.Width)
            throw new ArgumentException(
                $"{GetName()} expects input (B, {Spec.History}, {Spec.Height}, {Spec.Width}), got [{string.Join(", ", input.shape)}].");
    }
}
