using TorchSharp;

namespace Workbench.Stimuli;

/// <summary>
/// Object-motion stimuli (torch-deep-retina's <c>oms_random_differential</c>): a grating of vertical bars seen through a
/// central disc and a grating around it, each jittering horizontally by ±1 checker. <b>Differential</b> motion: centre and
/// surround jitter independently. <b>Global</b> motion: the whole grating jitters as one. Object-motion-sensitive cells
/// respond to the first and not the second.
/// </summary>
/// <remarks>
/// Differences from the reference, on purpose: the reference draws 0/1 stripes; these are ±<c>contrast</c> (contrast
/// units, mean luminance 0). The reference's "synchronised" jitter shares the step directions but draws whether to step
/// separately for centre and surround; here global motion moves them together, which is what global motion means.
/// </remarks>
public static class ObjectMotion
{
    /// <summary>
    /// A jittering centre/surround grating. Frames <c>[0, still)</c> and the last <paramref name="still"/> frames do not move;
    /// on each frame between, the surround steps ±1 checker (direction equally likely) with probability
    /// <paramref name="surroundStepProbability"/>, and the centre independently with probability
    /// <paramref name="centreStepProbability"/> (differential) or with the surround (when <paramref name="global"/>). Defaults
    /// are the reference's: 150 frames, 40 still at each end, disc of radius 8 checkers at the screen centre, bars 4 wide,
    /// probabilities 0.3 (surround) and 0.5 (centre). A checker is in the disc when its squared distance from the centre
    /// (row, column) is below radius² (skimage's <c>draw.circle</c>).
    /// </summary>
    /// <param name="global">True: global motion (centre moves with the surround); false: differential motion.</param>
    /// <param name="height">Rows.</param>
    /// <param name="width">Columns.</param>
    /// <param name="seed">Seed of the jitter.</param>
    /// <param name="frames">Total frames.</param>
    /// <param name="still">Still frames at each end.</param>
    /// <param name="radius">Disc radius in checkers.</param>
    /// <param name="barWidth">Bar width in checkers.</param>
    /// <param name="surroundStepProbability">Probability that the surround steps on a moving frame.</param>
    /// <param name="centreStepProbability">Probability that the centre steps on a moving frame (differential motion only).</param>
    /// <param name="contrast">Bar contrast.</param>
    /// <param name="centreRow">Row of the disc's centre (null: the screen's, <c>height / 2</c> in integer division as the reference).</param>
    /// <param name="centreColumn">Column of the disc's centre (null: <c>width / 2</c>).</param>
    public static ObjectMotionStimulus Jitter(bool global, int height, int width, int seed, int frames = 150, int still = 40, double radius = 8, int barWidth = 4,
        double surroundStepProbability = 0.3, double centreStepProbability = 0.5, double contrast = 1.0, double? centreRow = null, double? centreColumn = null)
    {
        if (frames < 1 || still < 0 || 2 * still > frames)
            throw new ArgumentOutOfRangeException(nameof(still), $"{still} still frames at each end do not fit in {frames} frames.");
        if (barWidth < 1) throw new ArgumentOutOfRangeException(nameof(barWidth), barWidth, "Bars are at least one checker wide.");
        if (!(surroundStepProbability is >= 0 and <= 1) || !(centreStepProbability is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(surroundStepProbability), "Step probabilities are in [0, 1].");
        var random = new Random(seed);
        var surround = new int[frames];
        var centre = new int[frames];
        for (int t = 1; t < frames; t++)
        {
            surround[t] = surround[t - 1];
            centre[t] = centre[t - 1];
            if (t < still || t >= frames - still) continue;
            int s = random.NextDouble() < surroundStepProbability ? (random.Next(2) == 0 ? -1 : 1) : 0;
            int c = global ? s : random.NextDouble() < centreStepProbability ? (random.Next(2) == 0 ? -1 : 1) : 0;
            surround[t] += s;
            centre[t] += c;
        }
        double rc = centreRow ?? height / 2, cc = centreColumn ?? width / 2;
        if (!double.IsFinite(rc) || !double.IsFinite(cc))
            throw new ArgumentOutOfRangeException(nameof(centreRow), $"The disc's centre ({rc}, {cc}) must be finite.");
        var movie = new float[(long)frames * height * width];
        for (int t = 0; t < frames; t++)
            for (int r = 0; r < height; r++)
                for (int col = 0; col < width; col++)
                {
                    bool inside = (r - rc) * (r - rc) + (col - cc) * (col - cc) < radius * radius;
                    movie[((long)t * height + r) * width + col] = (float)Bar(col - (inside ? centre[t] : surround[t]), barWidth, contrast);
                }
        return new ObjectMotionStimulus(torch.tensor(movie).view(frames, height, width), surround, centre, global);
    }

    /// <summary>The grating's value at column <paramref name="x"/> when unshifted: +contrast on the first bar, alternating.</summary>
    public static double Bar(int x, int barWidth, double contrast) =>
        (((x % (2 * barWidth)) + 2 * barWidth) % (2 * barWidth)) < barWidth ? contrast : -contrast;
}
