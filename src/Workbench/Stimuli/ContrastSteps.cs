using TorchSharp;

namespace Workbench.Stimuli;

/// <summary>
/// Contrast steps: a per-frame contrast envelope that scales unit-contrast noise. Draw the noise with
/// <c>Simulation.WhiteNoise.Movie</c> (Gaussian, contrast 1, the reference's 3-frame holds) and scale it with
/// <see cref="Modulate"/>; the envelope is kept separate so the noise source stays in one place.
/// </summary>
public static class ContrastSteps
{
    /// <summary>The envelope <c>(T)</c>: <paramref name="contrasts"/>[i] for <paramref name="lengths"/>[i] frames, in order
    /// (torch-deep-retina's <c>contrast_steps(contrasts, lengths)</c>).</summary>
    /// <exception cref="ArgumentException">Different counts, a negative length or a negative contrast.</exception>
    public static torch.Tensor Envelope(IReadOnlyList<double> contrasts, IReadOnlyList<int> lengths)
    {
        if (contrasts.Count != lengths.Count)
            throw new ArgumentException($"{contrasts.Count} contrasts for {lengths.Count} lengths.", nameof(lengths));
        if (lengths.Any(l => l < 0)) throw new ArgumentException("Lengths are zero or more frames.", nameof(lengths));
        if (contrasts.Any(c => !(c >= 0))) throw new ArgumentException("Contrasts are zero or more.", nameof(contrasts));
        return torch.tensor(contrasts.Zip(lengths, (c, l) => Enumerable.Repeat((float)c, l)).SelectMany(x => x).ToArray());
    }

    /// <summary>
    /// The paper's slow contrast step (torch-deep-retina's <c>contrast_adaptation(c0 = 0.7, c1 = 0.1, tot_dur = 300)</c>):
    /// with <c>q = (total − history) / 4</c> (integer), <paramref name="high"/> for history + q frames, <paramref name="low"/>
    /// for 2q, <paramref name="high"/> for q: 105, 130 and 65 frames for the defaults.
    /// </summary>
    public static torch.Tensor ReferenceStep(double high = 0.7, double low = 0.1, int total = 300, int history = 40)
    {
        if (total <= history) throw new ArgumentOutOfRangeException(nameof(total), total, $"The step needs more than the history ({history}) frames.");
        int q = (total - history) / 4;
        return Envelope([high, low, high], [history + q, 2 * q, q]);
    }

    /// <summary>
    /// Unit-contrast noise <c>(T, H, W)</c> scaled frame by frame by <paramref name="envelope"/> <c>(T)</c>. The reference
    /// multiplies Gaussian noise by its envelope the same way.
    /// </summary>
    /// <exception cref="ArgumentException">The noise is not (T, H, W) or the envelope's length differs from T.</exception>
    public static torch.Tensor Modulate(torch.Tensor noise, torch.Tensor envelope)
    {
        if (noise.dim() != 3) throw new ArgumentException($"Noise is (T, H, W), got [{string.Join(", ", noise.shape)}].", nameof(noise));
        if (envelope.dim() != 1 || envelope.shape[0] != noise.shape[0])
            throw new ArgumentException($"The envelope has {envelope.shape[0]} frames for {noise.shape[0]} frames of noise.", nameof(envelope));
        return noise * envelope.to(noise.dtype).view(-1, 1, 1);
    }
}
