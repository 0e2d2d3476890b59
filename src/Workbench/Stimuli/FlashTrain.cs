using TorchSharp;

namespace Workbench.Stimuli;

/// <summary>A periodic flash train with its last flash omitted (the omitted stimulus response, torch-deep-retina's <c>osr_stim</c>).</summary>
/// <param name="Movie">Frames <c>(T, H, W)</c> in contrast units.</param>
/// <param name="FlashOnsets">First frame of each shown flash.</param>
/// <param name="OmittedFrame">The frame at which the omitted flash would have started.</param>
/// <param name="OmittedResponseIndex">The same time as a response index of a window model with the train's history
/// (<c>OmittedFrame − history</c>: window k answers for bin k + history); the reference's <c>omitted_idx</c>.</param>
/// <param name="Period">Frames from one flash onset to the next.</param>
public sealed record FlashTrain(torch.Tensor Movie, IReadOnlyList<int> FlashOnsets, int OmittedFrame, int OmittedResponseIndex, int Period) : IDisposable
{
    /// <summary>
    /// torch-deep-retina's <c>osr_stim(duration, interval, nflashes, intensity, filt_depth, noise_std = 0)</c> as the paper's
    /// figure uses it (defaults: 2-frame flashes at −2 after 6 blank frames, 8 flashes, a 40-frame history: an 80-ms
    /// period, 12.5 Hz). Frames: <c>interval·(flashes − 1)</c> blank, <c>history − interval</c> blank, <paramref name="flashes"/>
    /// periods of <paramref name="interval"/> blank frames then <paramref name="duration"/> flash frames, one period with the
    /// flash omitted, <c>history − interval</c> blank: 182 frames and <see cref="OmittedResponseIndex"/> 106 for the defaults.
    /// The reference's noise option (0 in the figure) is left out: add noise to <see cref="Movie"/> if wanted.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A non-positive duration or flash count, an interval below 1 or above the history.</exception>
    public static FlashTrain Omitted(int height, int width, int duration = 2, int interval = 6, int flashes = 8, double intensity = -2, int history = 40)
    {
        if (duration < 1) throw new ArgumentOutOfRangeException(nameof(duration), duration, "A flash lasts at least one frame.");
        if (flashes < 1) throw new ArgumentOutOfRangeException(nameof(flashes), flashes, "Show at least one flash before the omitted one.");
        if (interval < 1 || interval > history)
            throw new ArgumentOutOfRangeException(nameof(interval), interval, $"The blank interval is 1 … history ({history}) frames.");
        if (height < 1 || width < 1) throw new ArgumentOutOfRangeException(nameof(height), $"Frames must be at least 1x1, got {height}x{width}.");
        int period = interval + duration;
        int first = interval * (flashes - 1) + (history - interval);
        int frames = first + (flashes + 1) * period + (history - interval);
        var levels = new float[frames];
        var onsets = new List<int>();
        for (int f = 0; f < flashes; f++)
        {
            int onset = first + f * period + interval;
            onsets.Add(onset);
            for (int t = onset; t < onset + duration; t++) levels[t] = (float)intensity;
        }
        int omitted = first + flashes * period + interval;
        var movie = torch.tensor(levels).view(frames, 1, 1).expand(frames, height, width).contiguous();
        return new FlashTrain(movie, onsets, omitted, omitted - history, period);
    }

    /// <inheritdoc/>
    public void Dispose() => Movie.Dispose();
}
