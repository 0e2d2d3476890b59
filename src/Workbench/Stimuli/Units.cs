namespace Workbench.Stimuli;

/// <summary>The reference's physical units of a stimulus: 10-ms frames and 55.55-µm checkers.</summary>
public static class Units
{
    /// <summary>Seconds per frame (one response bin).</summary>
    public const double FramePeriod = 0.01;

    /// <summary>Micrometres per checker on the retina, as the reference's figures scale them (<c>f2_response</c>: widths × 55.55).</summary>
    public const double MicronsPerChecker = 55.55;

    /// <summary>Checkers per frame to mm/s.</summary>
    public static double MillimetresPerSecond(double checkersPerFrame) => checkersPerFrame * MicronsPerChecker / 1000 / FramePeriod;
}
