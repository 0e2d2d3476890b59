using TorchSharp;

namespace Workbench.Data;

/// <summary>
/// The reference preprocessing: one scalar mean and standard deviation, taken from the <em>training</em> stimulus and
/// applied unchanged to test and synthetic stimuli: <c>(x - Mean) / (Std + 1e-7)</c>.
/// </summary>
/// <param name="Mean">Mean of the training stimulus in stored units.</param>
/// <param name="Std">Population standard deviation of the training stimulus in stored units.</param>
public sealed record StimulusNormalisation(double Mean, double Std)
{
    /// <summary>Added to <see cref="Std"/> before dividing, as torch-deep-retina does.</summary>
    public const double Epsilon = 1e-7;

    /// <summary>Mean and standard deviation of a whole stimulus, accumulated in float64 slab by slab (no full-size temporary).</summary>
    public static StimulusNormalisation Of(torch.Tensor stimulus, long slabFrames = 4096)
    {
        long frames = stimulus.shape[0];
        if (frames == 0) throw new ArgumentException("Cannot normalise an empty stimulus.", nameof(stimulus));
        double sum = 0, sumSquares = 0;
        long count = 0;
        for (long start = 0; start < frames; start += slabFrames)
        {
            using var scope = torch.NewDisposeScope();
            var slab = stimulus.narrow(0, start, Math.Min(slabFrames, frames - start)).to(torch.float64);
            sum += slab.sum().item<double>();
            sumSquares += slab.square().sum().item<double>();
            count += slab.numel();
        }
        double mean = sum / count;
        double variance = Math.Max(0, sumSquares / count - mean * mean);
        return new StimulusNormalisation(mean, Math.Sqrt(variance));
    }

    /// <summary>Normalises <paramref name="stimulus"/> in place (float32), slab by slab.</summary>
    public void ApplyInPlace(torch.Tensor stimulus, long slabFrames = 4096)
    {
        long frames = stimulus.shape[0];
        for (long start = 0; start < frames; start += slabFrames)
        {
            using var scope = torch.NewDisposeScope();
            stimulus.narrow(0, start, Math.Min(slabFrames, frames - start)).sub_(Mean).div_(Std + Epsilon);
        }
    }
}
