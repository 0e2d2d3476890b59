using TorchSharp;

namespace Workbench.Stimuli;

/// <summary>The spatial profile of a grating.</summary>
public enum GratingWaveform
{
    /// <summary>Bars of ±contrast, each <c>width</c> checkers wide (torch-deep-retina's <c>square</c>).</summary>
    Square,
    /// <summary>A sinusoid of period 2·width checkers (torch-deep-retina's <c>sinusoid</c>, used for frequency doubling).</summary>
    Sine,
}

/// <summary>
/// Gratings of vertical bars (contrast varies along columns, constant down each column) and their contrast-reversing
/// movies, in contrast units, 10-ms frames, bar widths in checkers (the reference's checker is 55.55 µm:
/// <see cref="Units.MicronsPerChecker"/>).
/// </summary>
public static class Gratings
{
    /// <summary>
    /// One grating frame <c>(height, width)</c>. Square: column <c>x</c> is +<paramref name="contrast"/> when
    /// <c>(x + ⌊2·phase·barWidth⌋) mod 2·barWidth &lt; barWidth</c>, else −<paramref name="contrast"/> (the reference's
    /// <c>square(halfperiod, n, phase)</c>). Sine: <c>contrast · sin(2π·(x / (2·barWidth) + phase))</c>. The reference's
    /// <c>sinusoid</c> samples <c>linspace(0, 1, n)</c>, which stretches the period by n/(n − 1) (2 % on 50 checkers); this one
    /// has exactly the period the bar width says.
    /// </summary>
    /// <param name="barWidth">Bar width in checkers (half the spatial period), at least 1.</param>
    /// <param name="phase">Phase as a fraction of the period, in [0, 1].</param>
    /// <param name="waveform">Square bars or a sinusoid.</param>
    /// <param name="height">Rows.</param>
    /// <param name="width">Columns.</param>
    /// <param name="contrast">Amplitude in contrast units.</param>
    /// <exception cref="ArgumentOutOfRangeException">A bar narrower than a checker, a phase outside [0, 1], or an empty frame.</exception>
    public static torch.Tensor Frame(int barWidth, double phase, GratingWaveform waveform, int height, int width, double contrast = 1.0)
    {
        if (barWidth < 1) throw new ArgumentOutOfRangeException(nameof(barWidth), barWidth, "A bar is at least one checker wide.");
        if (!(phase >= 0 && phase <= 1)) throw new ArgumentOutOfRangeException(nameof(phase), phase, "The phase is a fraction of the period in [0, 1].");
        if (height < 1 || width < 1) throw new ArgumentOutOfRangeException(nameof(height), $"Frames must be at least 1x1, got {height}x{width}.");
        var row = new float[width];
        int offset = (int)(2 * phase * barWidth);
        for (int x = 0; x < width; x++)
            row[x] = (float)(waveform == GratingWaveform.Square
                ? ((x + offset) % (2 * barWidth) < barWidth ? contrast : -contrast)
                : contrast * Math.Sin(2 * Math.PI * (x / (2.0 * barWidth) + phase)));
        return torch.tensor(row).view(1, width).expand(height, width).contiguous();
    }

    /// <summary>
    /// The sign of a contrast-reversing image at each frame: +1 for frames <c>t</c> with <c>t mod 2·halfPeriod &lt;
    /// halfPeriod</c>, −1 otherwise (the reference's temporal <c>square(halfperiod, nsamples)</c>, phase 0).
    /// </summary>
    public static float[] ReversalSigns(int frames, int halfPeriod)
    {
        if (halfPeriod < 1) throw new ArgumentOutOfRangeException(nameof(halfPeriod), halfPeriod, "Each polarity lasts at least one frame.");
        if (frames < 0) throw new ArgumentOutOfRangeException(nameof(frames), frames, "Frames must be zero or more.");
        return Enumerable.Range(0, frames).Select(t => t % (2 * halfPeriod) < halfPeriod ? 1f : -1f).ToArray();
    }

    /// <summary>
    /// A contrast-reversing grating <c>(frames, height, width)</c>: <see cref="Frame"/> times <see cref="ReversalSigns"/>
    /// (torch-deep-retina's <c>reversing_grating(nsamples, halfperiod, barsize, phase, waveform)</c>). The reference's
    /// reversing grating is square, bar 5, phase 0, half period 50, 300 frames; its frequency-doubling stimulus is sine,
    /// 140 frames, half period 25 (2 Hz reversal), bar widths 1…8, phases linspace(0, 1, 9).
    /// </summary>
    public static torch.Tensor Reversing(int frames, int halfPeriod, int barWidth, double phase, GratingWaveform waveform, int height, int width, double contrast = 1.0)
    {
        var signs = ReversalSigns(frames, halfPeriod);
        using var image = Frame(barWidth, phase, waveform, height, width, contrast);
        using var s = torch.tensor(signs).view(frames, 1, 1);
        return (s * image.unsqueeze(0)).contiguous();
    }
}
