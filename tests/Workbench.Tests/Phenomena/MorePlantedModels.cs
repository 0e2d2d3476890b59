using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Tests.Phenomena;

/// <summary>
/// Divisive contrast normalisation by construction: <see cref="LinearPlanted"/>'s generator divided by
/// √(σ² + E), E the mean of x² over the whole window (its local contrast energy). Under Gaussian noise of contrast c,
/// E ≈ c² with a relative spread of about √(2 / independent entries) (a few per cent), so the gain is 1/√(σ² + c²) of the
/// linear model's, and the ratio of gains between contrasts is √((σ² + c_low²) / (σ² + c_high²)).
/// </summary>
internal sealed class DivisivePlanted(int height, int width, float sigma) : LinearPlanted(height, width)
{
    public static double ExpectedGainRatio(double sigma, double low, double high) =>
        Math.Sqrt((sigma * sigma + low * low) / (sigma * sigma + high * high));

    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe)
    {
        var energy = input.square().mean([1, 2, 3]).unsqueeze(1);
        return base.Forward(input, observe) / (energy + sigma * sigma).sqrt();
    }
}

/// <summary>
/// A kernel that speeds up with contrast: the mix (1 − m)·slow + m·fast of two biphasic filters on the same column
/// average, with m = E / (σ² + E) and E the window's mean x² (so m ≈ c² / (σ² + c²)). Its gain stays near constant while its
/// kernel's frequency centre of mass rises with contrast.
/// </summary>
internal sealed class SpeedingPlanted(int height, int width, float sigma) : PlantedModel(nameof(SpeedingPlanted), height, width)
{
    public static double Slow(int l) => l / 8.0 * Math.Exp(1 - l / 8.0) - 0.5 * (l / 14.0) * Math.Exp(1 - l / 14.0);
    public static double Fast(int l) => l / 2.0 * Math.Exp(1 - l / 2.0) - 0.5 * (l / 4.0) * Math.Exp(1 - l / 4.0);

    /// <summary>The expected temporal kernel at contrast c, window index i = 0 … 39 (lag 40 − i), up to scale and sign.</summary>
    public static double[] Kernel(double sigma, double c)
    {
        double m = c * c / (sigma * sigma + c * c);
        return Enumerable.Range(0, 40).Select(i => (1 - m) * Slow(40 - i) + m * Fast(40 - i)).ToArray();
    }

    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe)
    {
        CheckInput(input);
        var slow = torch.tensor(Enumerable.Range(0, 40).Select(i => (float)Slow(40 - i)).ToArray());
        var fast = torch.tensor(Enumerable.Range(0, 40).Select(i => (float)Fast(40 - i)).ToArray());
        var spatial = ColumnWeights(input.shape[3]).view(1, 1, 1, -1) / input.shape[2];
        var pooled = (input * spatial).sum([2, 3]);                                  // (B, 40)
        var energy = input.square().mean([1, 2, 3]);
        var m = (energy / (energy + sigma * sigma)).unsqueeze(1);
        return -((1 - m) * (pooled * slow).sum(1, keepdim: true) + m * (pooled * fast).sum(1, keepdim: true));
    }
}

/// <summary>
/// The square of <see cref="LinearPlanted"/>'s generator g = a·x: its IRF is 2g·a, so it points along the filter when g &gt; 0
/// and against it when g &lt; 0. Along any movie its IRF · mean IRF is 4g·mean(g)·|a|², negative exactly at the steps where g
/// has the other sign than its mean.
/// </summary>
internal sealed class SquaredPlanted(int height, int width) : LinearPlanted(height, width)
{
    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe) => base.Forward(input, observe).square();
}
