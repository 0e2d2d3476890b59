using TorchSharp;

namespace Workbench.Stimuli;

/// <summary>
/// Full-height bars, still, drifting and reversing, in contrast units and 10-ms frames, positions in checkers relative to
/// the screen centre (column <c>width / 2</c>), as torch-deep-retina's <c>bar</c>, <c>driftingbar</c> and
/// <c>motion_reversal</c> draw them. Sub-checker positions are rendered by drawing at <c>upsample</c>× resolution and
/// averaging back (no blur), so a bar between checkers partially darkens both.
/// </summary>
public static class Bars
{
    /// <summary>The reference's upsampling factor for bar rendering.</summary>
    public const int DefaultUpsample = 5;

    /// <summary>
    /// One frame <c>(height, width)</c> with a full-height bar centred at <paramref name="centre"/> checkers from the screen
    /// centre. At <paramref name="upsample"/>× resolution the bar covers sub-columns
    /// <c>[c − h, c + h)</c> with <c>c = trunc(upsample·(centre + width/2))</c> and <c>h = ⌊barWidth·upsample⌋ / 2</c>
    /// (integer halving, as the reference's <c>width // 2</c>); each checker is <paramref name="intensity"/> times the fraction
    /// of its sub-columns covered.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A non-positive bar width or upsampling factor, or an empty frame.</exception>
    public static torch.Tensor Frame(double centre, double barWidth, int height, int width, double intensity = -1, int upsample = DefaultUpsample)
        => torch.tensor(Profile(centre, barWidth, width, intensity, upsample)).view(1, width).expand(height, width).contiguous();

    /// <summary>The column profile of <see cref="Frame"/> (length <paramref name="width"/>).</summary>
    public static float[] Profile(double centre, double barWidth, int width, double intensity = -1, int upsample = DefaultUpsample)
    {
        if (!(barWidth > 0)) throw new ArgumentOutOfRangeException(nameof(barWidth), barWidth, "A bar has a positive width.");
        if (upsample < 1) throw new ArgumentOutOfRangeException(nameof(upsample), upsample, "The upsampling factor is at least 1.");
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "Frames are at least one checker wide.");
        long c = (long)Math.Truncate(upsample * centre + (long)upsample * width / 2);
        long half = (long)(barWidth * upsample) / 2;
        long lo = Math.Max(0, c - half), hi = Math.Min((long)upsample * width, c + half);
        var profile = new float[width];
        for (long s = lo; s < hi; s++) profile[s / upsample] += (float)(intensity / upsample);
        return profile;
    }

    /// <summary>
    /// A drifting bar (torch-deep-retina's <c>driftingbar(velocity, width, intensity, x)</c>): one frame per centre of
    /// <c>linspace(from, to, 1 + ⌊(to − from) / velocity⌋)</c>, so the bar moves by (to − from)/(n − 1) ≈ velocity checkers a
    /// frame. The reference's motion anticipation uses velocity 0.176 checkers/frame (≈ 0.98 mm/s), width 2, from −30 to 30
    /// (rightward) and from 30 to −30 with velocity −0.176 (leftward).
    /// </summary>
    /// <param name="velocity">Checkers per frame, with the sign of <c>to − from</c>.</param>
    /// <param name="barWidth">Bar width in checkers.</param>
    /// <param name="height">Rows.</param>
    /// <param name="width">Columns.</param>
    /// <param name="from">First centre, checkers from the screen centre.</param>
    /// <param name="to">Last centre.</param>
    /// <param name="intensity">Bar contrast (−1: a dark bar).</param>
    /// <exception cref="ArgumentException">A velocity of zero or of the wrong sign.</exception>
    public static DriftingBar Drifting(double velocity, double barWidth, int height, int width, double from = -30, double to = 30, double intensity = -1)
    {
        if (velocity == 0 || Math.Sign(velocity) != Math.Sign(to - from) || double.IsNaN(velocity))
            throw new ArgumentException($"A bar from {from} to {to} needs a velocity of sign {Math.Sign(to - from)}, got {velocity}.", nameof(velocity));
        int n = 1 + (int)((to - from) / velocity);
        var centres = Enumerable.Range(0, n).Select(i => n == 1 ? from : from + (to - from) * i / (n - 1)).ToArray();
        return new DriftingBar(Render(centres, barWidth, height, width, intensity), centres, -1);
    }

    /// <summary>
    /// A bar that drifts from <paramref name="start"/> to <paramref name="flip"/> at <paramref name="speed"/> checkers a frame
    /// and back along the same centres (torch-deep-retina's <c>motion_reversal(xflip, speed)</c>: the outbound leg's centres,
    /// then the same in reverse, so the flip position is shown on two consecutive frames). The reference's motion reversal
    /// uses speed 0.19, start −40 and flips at −9 … 2.
    /// </summary>
    /// <returns>The movie, the centres, and <see cref="DriftingBar.FlipFrame"/> = the last frame of the outbound leg.</returns>
    public static DriftingBar Reversing(double flip, int height, int width, double speed = 0.19, double barWidth = 2, double start = -40, double intensity = -1)
    {
        if (!(speed > 0)) throw new ArgumentOutOfRangeException(nameof(speed), speed, "The speed is a positive number of checkers a frame.");
        if (flip == start) throw new ArgumentException($"The bar must move: flip ({flip}) equals start.", nameof(flip));
        int n = 1 + (int)(Math.Abs(flip - start) / speed);
        var outbound = Enumerable.Range(0, n).Select(i => n == 1 ? start : start + (flip - start) * i / (n - 1)).ToArray();
        var centres = outbound.Concat(outbound.Reverse()).ToArray();
        return new DriftingBar(Render(centres, barWidth, height, width, intensity), centres, n - 1);
    }

    private static torch.Tensor Render(double[] centres, double barWidth, int height, int width, double intensity)
    {
        var profiles = new float[centres.Length * width];
        for (int t = 0; t < centres.Length; t++)
            Array.Copy(Profile(centres[t], barWidth, width, intensity), 0, profiles, t * width, width);
        return torch.tensor(profiles).view(centres.Length, 1, width).expand(centres.Length, height, width).contiguous();
    }
}
