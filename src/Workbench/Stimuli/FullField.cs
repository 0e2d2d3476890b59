using TorchSharp;

namespace Workbench.Stimuli;

/// <summary>
/// Full-field stimuli in contrast units (0 = mean luminance), one frame per 10-ms bin, as torch-deep-retina's
/// <c>stimuli.flash</c> draws them.
/// </summary>
public static class FullField
{
    /// <summary>
    /// torch-deep-retina's <c>flash(duration, delay, nsamples, intensity)</c>: <paramref name="frames"/> frames of
    /// <paramref name="height"/> x <paramref name="width"/>, zero except frames [<paramref name="delay"/>,
    /// <paramref name="delay"/> + <paramref name="duration"/>), which are <paramref name="intensity"/> everywhere.
    /// The step response of the paper's Fig. 3 is <c>Flash(100, 50, 200, -1, …)</c>: half a second at the mean, one second dark,
    /// half a second at the mean.
    /// </summary>
    /// <returns>A float32 CPU tensor <c>(frames, height, width)</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A negative duration or delay, a flash that does not end within
    /// <paramref name="frames"/>, or an empty frame.</exception>
    public static torch.Tensor Flash(int duration, int delay, int frames, double intensity, int height, int width)
    {
        if (duration < 0) throw new ArgumentOutOfRangeException(nameof(duration), duration, "A flash lasts zero or more frames.");
        if (delay < 0) throw new ArgumentOutOfRangeException(nameof(delay), delay, "A flash starts at frame 0 or later.");
        if (delay + duration > frames)
            throw new ArgumentOutOfRangeException(nameof(frames), frames, $"A flash of {duration} frames after {delay} needs at least {delay + duration} frames.");
        if (height < 1 || width < 1) throw new ArgumentOutOfRangeException(nameof(height), $"Frames must be at least 1x1, got {height}x{width}.");
        var movie = torch.zeros([frames, height, width], torch.float32);
        if (duration > 0) movie.narrow(0, delay, duration).fill_(intensity);
        return movie;
    }

    /// <summary>
    /// torch-deep-retina's <c>paired_flashes(ifi, flash_dur, intensity, total_length, delay)</c>: a first flash of
    /// <paramref name="duration"/> frames at frame <paramref name="delay"/> and a second of the same duration
    /// <paramref name="interval"/> frames after the first ends. The reference's <c>paired_flash</c> runs intervals 2…19 with
    /// 1-frame flashes at −2, 100 frames, delay 40, in three conditions: first only, second only, both
    /// (<paramref name="first"/>, <paramref name="second"/>).
    /// </summary>
    /// <returns>A float32 CPU tensor <c>(frames, height, width)</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A negative interval, or a second flash that does not end within <paramref name="frames"/>.</exception>
    public static torch.Tensor PairedFlashes(int interval, int height, int width, int duration = 1, double intensity = -2, int delay = 40, int frames = 100,
        bool first = true, bool second = true)
    {
        if (interval < 0) throw new ArgumentOutOfRangeException(nameof(interval), interval, "The inter-flash interval is zero or more frames.");
        var movie = Flash(duration, delay, frames, first ? intensity : 0, height, width);
        using var later = Flash(duration, delay + duration + interval, frames, second ? intensity : 0, height, width);
        return movie.add_(later);
    }
}
