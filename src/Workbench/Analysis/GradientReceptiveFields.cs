using TorchSharp;
using Workbench.Data;
using Workbench.Models;
using static TorchSharp.torch;

namespace Workbench.Analysis;

/// <summary>
/// Gradient receptive fields: the instantaneous receptive field (IRF) of a unit at a time step is the gradient of its
/// response with respect to the 40-frame stimulus history it saw, ∂r(x_k)/∂x_k, <c>(History, H, W)</c>. For an LN model
/// every IRF is the filter scaled by the nonlinearity's slope (so each correlates 1 with the average); under natural
/// scenes a CNN's IRFs change from moment to moment (Maheswaranathan et al. 2023, Fig. 4).
/// </summary>
/// <remarks>
/// Batched: with the model in evaluation mode the samples of a batch are independent, so one backward pass of the sum of the
/// unit's responses over the batch gives every sample's gradient at once. Parameters are frozen for the pass (no weight
/// gradients accumulate in the model). Correlations are computed in float64.
/// </remarks>
public static class GradientReceptiveFields
{
    /// <summary>Memory the IRFs may take to be kept for the correlation pass (above it they are computed twice): 512 MB.</summary>
    public const long DefaultStoreBytes = 512L << 20;

    /// <summary>
    /// The per-sample gradients of <paramref name="unit"/>'s response with respect to <paramref name="inputs"/>
    /// <c>(B, History, H, W)</c>: <c>(B, History, H, W)</c> in the model's dtype and device, with one backward pass
    /// (zeros when the unit does not depend on the input at all).
    /// </summary>
    public static Tensor Gradients(RetinaModel model, Tensor inputs, UnitAddress unit) => Gradients(model, inputs, unit, out _);

    /// <summary>As <see cref="Gradients(RetinaModel, Tensor, UnitAddress)"/>, also returning the responses <c>(B)</c>.</summary>
    public static Tensor Gradients(RetinaModel model, Tensor inputs, UnitAddress unit, out Tensor responses)
    {
        LayerProbe.CheckLayers(model, [unit.Layer]);
        Tensor? r = null;
        var g = WithFrozenParameters(model, () =>
        {
            using var scope = torch.NewDisposeScope();
            var x = Leaf(model, inputs);
            var activations = model.Activations(x, unit.Layer == UnitAddress.Output ? [] : [unit.Layer]);
            var selected = LayerProbe.Select(activations, [unit]).squeeze(1);
            // A unit that does not depend on the input (a constant model, a dead branch) has no gradient path: its gradient
            // is zero. Asking libtorch's autograd anyway aborts the process instead of throwing.
            var gradient = selected.requires_grad ? torch.autograd.grad([selected.sum()], [x])[0] : torch.zeros_like(x);
            r = selected.detach().MoveToOuterDisposeScope();
            return gradient.detach().MoveToOuterDisposeScope();
        });
        responses = r!;
        return g;
    }

    /// <summary>
    /// True when the model's outputs for <paramref name="inputs"/> <c>(B, History, H, W)</c> (model input units) carry a
    /// gradient path back to the input, with its parameters frozen. A model whose output ignores its input (e.g. a constant)
    /// has none, and libtorch's autograd would abort the process rather than throw, so analyses that need input gradients of
    /// the outputs over many windows ask this once first.
    /// </summary>
    public static bool DependsOnInput(RetinaModel model, Tensor inputs) => WithFrozenParameters(model, () =>
    {
        using var scope = torch.NewDisposeScope();
        return model.forward(Leaf(model, inputs)).requires_grad;
    });

    /// <summary><paramref name="inputs"/> on the model's device and dtype, as a leaf that records its gradient.</summary>
    private static Tensor Leaf(RetinaModel model, Tensor inputs)
    {
        var (device, dtype) = LayerProbe.Placement(model);
        return inputs.to(dtype, device).detach().requires_grad_(true);
    }

    /// <summary>Runs <paramref name="body"/> with gradients on, the model in eval mode and its parameters frozen (input
    /// gradients only: no parameter gradient is accumulated), restoring both after.</summary>
    private static T WithFrozenParameters<T>(RetinaModel model, Func<T> body)
    {
        using var eval = new EvalMode(model);
        var frozen = model.parameters().Where(p => p.requires_grad).ToList();
        foreach (var p in frozen) p.requires_grad_(false);
        try
        {
            using var grad = torch.enable_grad();
            return body();
        }
        finally
        {
            foreach (var p in frozen) p.requires_grad_(true);
        }
    }

    /// <summary>
    /// The centre (row, column in checkers) of a unit's receptive field: the energy-weighted centroid of the checkers whose
    /// energy Σₜ g² (of its input gradient, averaged over <paramref name="samples"/> Gaussian white-noise windows, a fixed
    /// draw) is at least half the largest. Energy per window, not of the mean gradient, so fields whose sign changes from
    /// window to window (ON–OFF cells, change detectors) are found too; the half-maximum region, so a surround, however
    /// wide and however the screen's edge cuts it, does not pull the centre, and a flat-topped field (every checker of a
    /// disc equal) is found at its middle. (<see cref="InterneuronMatching.ReceptiveFieldCentre"/> takes the mean gradient
    /// around its peak, as recorded cells' STA centres are found.) (NaN, NaN) when the gradient is zero everywhere.
    /// </summary>
    public static (double Row, double Column) Centre(RetinaModel model, UnitAddress unit, int samples = 8)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = torch.NewDisposeScope();
        var spec = model.Spec;
        using var generator = new Generator(1);
        var inputs = torch.randn([samples, spec.History, spec.Height, spec.Width], generator: generator);
        var energy = Gradients(model, inputs, unit).to(float64).cpu().square().sum(1).mean([0]);   // (H, W)
        energy = energy * (energy >= 0.5 * energy.max()).to(float64);
        double total = energy.sum().item<double>();
        if (!(total > 0)) return (double.NaN, double.NaN);
        var rows = torch.arange(spec.Height, dtype: float64).view(-1, 1);
        var columns = torch.arange(spec.Width, dtype: float64).view(1, -1);
        return ((energy * rows).sum().item<double>() / total, (energy * columns).sum().item<double>() / total);
    }

    /// <summary>Relative threshold of <see cref="Footprint"/>: pixels below this fraction of the strongest one are outside.</summary>
    public const double FootprintThreshold = 1e-4;

    /// <summary>
    /// The stimulus pixels a unit's response depends on: <c>(H, W)</c> bool, true where the unit's input gradient, summed in
    /// magnitude over time and over <paramref name="samples"/> Gaussian white-noise windows (a fixed draw, independent of
    /// the global seed), exceeds <see cref="FootprintThreshold"/> of the largest pixel's. For a BN-CNN layer-1 unit it is
    /// its kernel's k x k square (exactly zero gradient elsewhere); for the synthetic retina it cuts its Gaussian tails.
    /// All false when the gradient is zero everywhere (e.g. a unit silenced by its rectification on every sample).
    /// </summary>
    public static Tensor Footprint(RetinaModel model, UnitAddress unit, int samples = 8)
    {
        using var scope = torch.NewDisposeScope();
        var spec = model.Spec;
        using var generator = new Generator(1);
        var inputs = torch.randn([samples, spec.History, spec.Height, spec.Width], generator: generator);
        var weight = Gradients(model, inputs, unit).abs().sum([0, 1]).to(float64).cpu(); // (H, W)
        double peak = weight.max().item<double>();
        return (peak > 0 ? weight > FootprintThreshold * peak : torch.zeros_like(weight, dtype: ScalarType.Bool)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The IRF of <paramref name="unit"/> at every window of <paramref name="ranges"/>, their average, each IRF's
    /// correlation with the average and the fraction with reversed polarity. IRFs are kept for the correlations when they
    /// fit in <paramref name="storeBytes"/> (and returned when <paramref name="keepFields"/>), otherwise computed again in a
    /// second pass once the average is known.
    /// </summary>
    /// <exception cref="ArgumentException">The unit is unknown or outside its layer, or there are no windows.</exception>
    public static InstantaneousReceptiveFields Compute(RetinaModel model, HistoryWindows windows, IReadOnlyList<WindowRange> ranges,
        UnitAddress unit, int batchSize = 32, bool keepFields = false, long storeBytes = DefaultStoreBytes)
    {
        LayerProbe.CheckLayers(model, [unit.Layer]);
        LayerProbe.CheckWindows(model, windows, ranges);
        long count = ranges.Sum(r => r.Length);
        long h = windows.Recording.Height, w = windows.Recording.Width, d = windows.History * h * w;
        bool store = keepFields || count * d * sizeof(float) <= storeBytes;
        var device = LayerProbe.Placement(model).Device;
        var order = new List<long>((int)count);
        var responses = new List<double>((int)count);
        var stored = new List<Tensor>();
        Tensor? sum = null;
        try
        {
            // Pass 1: every IRF, their sum in float64 (and the IRFs themselves when they fit).
            foreach (var indices in WindowBatches.InOrder(ranges, batchSize))
            {
                using var scope = torch.NewDisposeScope();
                var (x, _) = windows.Batch(indices, device);
                var g = Gradients(model, x, unit, out var r).flatten(1);
                sum ??= torch.zeros([d], float64, g.device).DetachFromDisposeScope();
                sum.add_(g.sum([0], type: float64));
                order.AddRange(indices);
                responses.AddRange(r.to(float64, CPU).data<double>());
                if (store) stored.Add(g.to(float32, CPU).DetachFromDisposeScope());
            }
            using var average = (sum! / count).DetachFromDisposeScope();

            // Pass 2: correlations with the average (from the kept IRFs, or recomputed).
            var correlations = new List<double>((int)count);
            if (store)
                foreach (var g in stored) correlations.AddRange(Correlate(g, average));
            else
                foreach (var indices in WindowBatches.InOrder(ranges, batchSize))
                {
                    using var scope = torch.NewDisposeScope();
                    var (x, _) = windows.Batch(indices, device);
                    correlations.AddRange(Correlate(Gradients(model, x, unit).flatten(1), average));
                }
            var defined = correlations.Where(c => !double.IsNaN(c)).ToList();
            double reversed = defined.Count == 0 ? double.NaN : defined.Count(c => c < 0) / (double)defined.Count;
            Tensor? fields = keepFields ? torch.cat(stored, 0).view(count, windows.History, h, w) : null;
            return new InstantaneousReceptiveFields(unit, order.ToArray(), responses.ToArray(),
                average.to(float32, CPU).view(windows.History, h, w), correlations.ToArray(), reversed, fields);
        }
        finally
        {
            sum?.Dispose();
            foreach (var s in stored) s.Dispose();
        }
    }

    /// <summary>As <see cref="Compute(RetinaModel, HistoryWindows, IReadOnlyList{WindowRange}, UnitAddress, int, bool, long)"/> over every window of a bare stimulus <c>(T, H, W)</c>.</summary>
    public static InstantaneousReceptiveFields Compute(RetinaModel model, Tensor stimulus, UnitAddress unit, int batchSize = 32,
        bool keepFields = false, long storeBytes = DefaultStoreBytes)
    {
        using var s = new StimulusWindows(stimulus, model.Spec.History);
        return Compute(model, s.Windows, s.All, unit, batchSize, keepFields, storeBytes);
    }

    /// <summary>Pearson correlation of each row of <paramref name="fields"/> <c>(B, D)</c> with <paramref name="average"/> <c>(D)</c>, in float64.</summary>
    internal static double[] Correlate(Tensor fields, Tensor average)
    {
        using var scope = torch.NewDisposeScope();
        var g = fields.to(float64, average.device);
        g = g - g.mean([1], keepdim: true);
        var a = average - average.mean();
        var corr = g.matmul(a) / (g.square().sum([1]).sqrt() * a.square().sum().sqrt());
        // A constant IRF (or a constant average) has no correlation: NaN, not 0/0's accident.
        corr = torch.where(g.abs().amax(1) > 0, corr, torch.full_like(corr, double.NaN));
        return corr.to(CPU).data<double>().ToArray();
    }
}
