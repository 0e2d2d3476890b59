using TorchSharp;
using Workbench.Models;
using static TorchSharp.torch;

namespace Workbench.Tests.Phenomena;

/// <summary>
/// Models whose answer to each phenomenon is known by construction, to check that the battery's measurements measure.
/// Lag <c>l</c> (1…40) is the frame <c>l</c> bins before the output bin: window index 40 − l.
/// </summary>
internal abstract class PlantedModel : RetinaModel
{
    protected PlantedModel(string name, int height, int width)
        : base(name, new ModelSpec { Kind = ModelKind.External, History = 40, Height = height, Width = width, Cells = 1 }) { }

    public override IReadOnlyList<string> LayerNames => [];

    /// <summary>Darkness (−mean contrast over space) at each lag, (B, 41) with column l for lag l (column 0 unused).</summary>
    protected static Tensor Darkness(Tensor input) =>
        torch.cat([torch.zeros(input.shape[0], 1, dtype: input.dtype), -input.mean([2, 3]).flip(1)], 1);

    /// <summary>Column weights: a Gaussian of σ 1.5 checkers centred 0.3 right of the screen centre, summing to 1.</summary>
    protected static Tensor ColumnWeights(long width)
    {
        var w = torch.arange(width, dtype: float32) - (width / 2 + 0.3f);
        var g = (-(w * w) / (2 * 1.5f * 1.5f)).exp();
        return g / g.sum();
    }
}

/// <summary>
/// A purely linear model (identity output): a biphasic OFF temporal filter k(l) = (l/4)e^{1−l/4} − ½(l/8)e^{1−l/8} on a
/// Gaussian-weighted column average. No frequency doubling, no OSR, one latency for every intensity.
/// </summary>
internal class LinearPlanted(int height, int width) : PlantedModel(nameof(LinearPlanted), height, width)
{
    public static double Kernel(int l) => l / 4.0 * Math.Exp(1 - l / 4.0) - 0.5 * (l / 8.0) * Math.Exp(1 - l / 8.0);

    protected virtual double Weight(int l) => Kernel(l);

    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe)
    {
        CheckInput(input);
        // Window index i is lag 40 − i.
        var k = torch.tensor(Enumerable.Range(0, 40).Select(i => (float)Weight(40 - i)).ToArray());
        var spatial = ColumnWeights(input.shape[3]).view(1, 1, 1, -1) / input.shape[2];
        var pooled = (input * spatial).sum([2, 3]);        // (B, 40)
        return -(pooled * k).sum(1, keepdim: true);      // OFF: a dark frame drives it up
    }
}

/// <summary>
/// Rectified subunits: each checker's transient x(lag 1) − x(lag 4), half-wave rectified, summed with the Gaussian column
/// weights. Answers each reversal of a fine grating wherever the bars are: frequency doubling.
/// </summary>
internal sealed class SubunitPlanted(int height, int width) : PlantedModel(nameof(SubunitPlanted), height, width)
{
    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe)
    {
        CheckInput(input);
        var transient = (input.select(1, 39) - input.select(1, 36)).relu();           // (B, H, W)
        var spatial = ColumnWeights(input.shape[3]).view(1, 1, -1) / input.shape[2];
        return (transient * spatial).sum([1, 2]).unsqueeze(1);
    }
}

/// <summary>
/// Latency by construction: a full-field dark flash of darkness A at onset lag L gives A·exp(−(L − D(A))²/2) with
/// D(A) = max(1, 8 − 2A) frames, so the peak comes D(A)·10 ms after the onset: 70 ms at A = 0.5, 20 ms at A = 3.
/// </summary>
internal sealed class LatencyPlanted(int height, int width) : PlantedModel(nameof(LatencyPlanted), height, width)
{
    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe)
    {
        CheckInput(input);
        var d = Darkness(input.to(float64)).data<double>().ToArray();
        int b = (int)input.shape[0];
        var output = new float[b];
        for (int i = 0; i < b; i++)
        {
            double a = 0;
            for (int l = 1; l <= 40; l++) a = Math.Max(a, d[i * 41 + l]);
            if (a <= 0) continue;
            int onset = 0;
            for (int l = 1; l <= 40; l++) if (d[i * 41 + l] >= 0.5 * a) onset = l;   // earliest dark frame: the onset
            double delay = Math.Max(1, 8 - 2 * a);
            output[i] = (float)(a * Math.Exp(-(onset - delay) * (onset - delay) / 2));
        }
        return torch.tensor(output).view(b, 1);
    }
}

/// <summary>
/// An omitted-stimulus response by construction: it learns the period P of the flash train in its window (the lag
/// between the two most recent flash onsets) and adds, to the darkness at lag 3, twice the darkness it expected (lag P + 3)
/// but did not get (rectified). So it answers a missing flash 30–40 ms after the flash should have come, twice as strongly as
/// a flash, at every period.
/// </summary>
internal sealed class ExpectationPlanted(int height, int width) : PlantedModel(nameof(ExpectationPlanted), height, width)
{
    private const int Delay = 3;

    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe)
    {
        CheckInput(input);
        var d = Darkness(input.to(float64)).data<double>().ToArray();
        int b = (int)input.shape[0];
        var output = new float[b];
        for (int i = 0; i < b; i++)
        {
            double Dark(int l) => l is >= 1 and <= 40 ? d[i * 41 + l] : 0;
            double top = Enumerable.Range(1, 40).Max(Dark);
            var onsets = Enumerable.Range(1, 40).Where(l => top > 0 && Dark(l) > 0.5 * top && Dark(l + 1) <= 0.5 * top).ToList();
            double now = Dark(Delay);
            double expected = onsets.Count >= 2 ? Dark(onsets[1] - onsets[0] + Delay) : 0;
            output[i] = (float)(now + 2 * Math.Max(0, expected - now));
        }
        return torch.tensor(output).view(b, 1);
    }
}

/// <summary>A model that ignores its input: a constant rate of 5. It shows nothing.</summary>
internal sealed class ConstantPlanted(int height, int width) : PlantedModel(nameof(ConstantPlanted), height, width)
{
    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe)
    {
        CheckInput(input);
        return torch.full(input.shape[0], 1, 5f);
    }
}

/// <summary>
/// A linear model with a strong rebound: k(l) = (l/2)e^{1−l/2} − 0.9(l/5)e^{1−l/5}. After a flash train stops, the missing
/// flash's negative lobe no longer cancels, so the rate rises after the last flash: an "omission" response tied to the last
/// real flash, not to the expected one.
/// </summary>
internal sealed class ReboundPlanted(int height, int width) : LinearPlanted(height, width)
{
    public static double ReboundKernel(int l) => l / 2.0 * Math.Exp(1 - l / 2.0) - 0.9 * (l / 5.0) * Math.Exp(1 - l / 5.0);

    protected override double Weight(int l) => ReboundKernel(l);
}

/// <summary>An LN model: <see cref="LinearPlanted"/>'s generator, less a threshold, half-wave rectified. One filter, one
/// monotone nonlinearity: at most one response per reversal cycle of its own sign, so F2/F1 stays at or below 1.</summary>
internal sealed class RectifiedLinearPlanted(int height, int width, float threshold) : LinearPlanted(height, width)
{
    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe) => (base.Forward(input, observe) - threshold).relu();
}

/// <summary>
/// Another planted model's response, faint: offset + scale · inner(x). With a large offset and a tiny scale the stimulus
/// barely moves the rate (a barely trained model): criteria must call that Inconclusive, not read ratios or latencies off it.
/// </summary>
internal sealed class FaintPlanted(PlantedModel inner, float offset, float scale) : PlantedModel(nameof(FaintPlanted), (int)inner.Spec.Height, (int)inner.Spec.Width)
{
    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe)
    {
        CheckInput(input);
        using var scope = torch.NewDisposeScope();
        return (inner.forward(input) * scale + offset).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}

