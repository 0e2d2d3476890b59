using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Tests.Phenomena;

/// <summary>Where a full-height dark bar is in each frame of a window: the darkness of each column and its centroid.</summary>
internal static class BarTracking
{
    /// <summary>Column darkness (−mean contrast over rows, rectified) <c>[b][lag][column]</c> for lags 1…40 (index 0 unused).</summary>
    public static double[][][] Darkness(Tensor input)
    {
        var columns = (-input.to(float64).mean([2])).relu().contiguous();    // (B, 40, W): window index i is lag 40 − i
        int b = (int)columns.shape[0], w = (int)columns.shape[2];
        var flat = columns.data<double>().ToArray();
        return Enumerable.Range(0, b).Select(i => Enumerable.Range(0, 41).Select(l => l == 0 ? new double[w]
            : flat.AsSpan((i * 40 + 40 - l) * w, w).ToArray()).ToArray()).ToArray();
    }

    /// <summary>The darkness's total and centroid, in checkers from the screen centre (a bar centred at x gives x); NaN
    /// centroid when the total is below <paramref name="minimum"/>.</summary>
    public static (double Mass, double Position) Centroid(double[] darkness, double minimum = 0.5)
    {
        double mass = darkness.Sum();
        if (mass < minimum) return (mass, double.NaN);
        return (mass, darkness.Select((d, j) => d * (j + 0.5)).Sum() / mass - darkness.Length / 2);
    }

    /// <summary>A Gaussian receptive-field weight of σ 1.5 checkers centred 0.3 right of the screen centre (as
    /// <see cref="PlantedModel"/>'s column weights), at position <paramref name="x"/> (checkers from the centre).</summary>
    public static double Field(double x) => Math.Exp(-(x - 0.3) * (x - 0.3) / (2 * 1.5 * 1.5));
}

/// <summary>
/// <see cref="LinearPlanted"/>'s OFF response to the local contrast plus a burst of <see cref="Burst"/> whenever the bar's
/// direction now (its displacement from lag 4 to lag 2) opposes its direction before (lag 10 to lag 8): it fires on every
/// reversal, 3–9 frames after it, wherever the bar is on the screen.
/// </summary>
internal sealed class DirectionChangePlanted(int height, int width) : LinearPlanted(height, width)
{
    public const double Burst = 5;

    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe)
    {
        var local = base.Forward(input, observe).to(float64).data<double>().ToArray();
        var dark = BarTracking.Darkness(input);
        var output = new float[local.Length];
        for (int i = 0; i < local.Length; i++)
        {
            double P(int lag) => BarTracking.Centroid(dark[i][lag]).Position;
            double now = P(2) - P(4), before = P(8) - P(10);
            bool reversed = Math.Abs(now) > 0.1 && Math.Abs(before) > 0.1 && now * before < 0;   // NaN (no bar) compares false
            output[i] = (float)(local[i] + (reversed ? Burst : 0));
        }
        return torch.tensor(output).view(local.Length, 1);
    }
}

/// <summary>A linear OFF model with a monophasic delay: kernel (l/4)e^{1−l/4}, peak at lag 4, mean delay ≈ 8 frames. Its
/// moving-bar response lags the bar by about velocity × 8 frames.</summary>
internal sealed class DelayedLinearPlanted(int height, int width) : LinearPlanted(height, width)
{
    public static double Monophasic(int l) => l / 4.0 * Math.Exp(1 - l / 4.0);

    protected override double Weight(int l) => Monophasic(l);
}

/// <summary>
/// A predictive model: it estimates the bar's velocity v from its centroid at lags 1 and 3 and reads each past frame's
/// darkness through the receptive field shifted by v·(lag + <see cref="Extrapolation"/>), i.e. it sees the bar where the bar
/// will be <see cref="Extrapolation"/> frames from now. A still or flashed bar (v = 0) is seen where it is; a moving bar's
/// response peaks when the bar is v·<see cref="Extrapolation"/> short of the field: a lead of 4 × 0.176 × 55.55 ≈ 39 µm.
/// </summary>
internal sealed class PredictivePlanted(int height, int width) : PlantedModel(nameof(PredictivePlanted), height, width)
{
    public const int Extrapolation = 4;

    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe)
    {
        CheckInput(input);
        var dark = BarTracking.Darkness(input);
        var output = new float[dark.Length];
        for (int i = 0; i < dark.Length; i++)
        {
            // Over 8 frames: the rendered bar moves in fifths of a checker, so a short baseline would misjudge v by up to 0.1.
            double p1 = BarTracking.Centroid(dark[i][1]).Position, p9 = BarTracking.Centroid(dark[i][9]).Position;
            double v = double.IsFinite(p1) && double.IsFinite(p9) ? (p1 - p9) / 8 : 0;
            double r = 0;
            for (int l = 1; l <= 40; l++)
            {
                var d = dark[i][l];
                double seen = 0;
                for (int j = 0; j < d.Length; j++) seen += d[j] * BarTracking.Field(j + 0.5 - d.Length / 2 + v * (l + Extrapolation));
                r += DelayedLinearPlanted.Monophasic(l) * seen;
            }
            output[i] = (float)r;
        }
        return torch.tensor(output).view(dark.Length, 1);
    }
}

/// <summary>
/// Object motion sensitivity by construction: the centre's motion energy (mean |frame change| over checkers within 6 of the
/// screen centre, lags 1 and 2) less <paramref name="surroundWeight"/> × the surround's (checkers beyond 10), rectified. With
/// weight 0 it is a pure centre model: the same centre motion gives the same response whatever the surround does.
/// </summary>
internal sealed class ObjectMotionPlanted(int height, int width, double surroundWeight, int? row = null, int? column = null) : PlantedModel(nameof(ObjectMotionPlanted), height, width)
{
    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe)
    {
        CheckInput(input);
        var change = (input.select(1, 39) - input.select(1, 38)).abs();            // (B, H, W)
        var r = torch.arange(input.shape[2], dtype: float32).view(-1, 1) - (row ?? input.shape[2] / 2);
        var c = torch.arange(input.shape[3], dtype: float32).view(1, -1) - (column ?? input.shape[3] / 2);
        var distance = (r * r + c * c).sqrt();
        var centre = (distance < 6).to(float32);
        var surround = (distance > 10).to(float32);
        var ec = (change * centre).sum([1, 2]) / centre.sum();
        var es = (change * surround).sum([1, 2]) / surround.sum();
        return (ec - surroundWeight * es).relu().unsqueeze(1);
    }
}

/// <summary>Another planted model's rate plus a large constant: the same responses, faint against the rate they ride on.</summary>
internal sealed class OffsetPlanted(PlantedModel inner, float offset) : PlantedModel(nameof(OffsetPlanted), inner.Spec.Height, inner.Spec.Width)
{
    private readonly PlantedModel _inner = inner;

    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe) => _inner.call(input) + offset;
}
