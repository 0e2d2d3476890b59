namespace Workbench.Simulation;

/// <summary>
/// How much to simulate: grid, cells, durations, repeats and stimulus settings. <see cref="SimulationPresets"/> holds
/// the three the workbench ships.
/// </summary>
/// <param name="Name">tiny, small or paper.</param>
/// <param name="Description">One line for people.</param>
/// <param name="Grid">Stimulus rows and columns (checkers).</param>
/// <param name="Cells">Ganglion cells recorded.</param>
/// <param name="NaturalTrainSeconds">Natural-scene training stimulus.</param>
/// <param name="WhiteNoiseTrainSeconds">White-noise training stimulus.</param>
/// <param name="TestSeconds">Test stimulus (each of natural scenes and white noise).</param>
/// <param name="Repeats">Presentations of each test stimulus.</param>
/// <param name="InterneuronSeconds">White-noise stimulus of the interneuron recordings.</param>
/// <param name="BipolarSamples">Bipolar units in the interneuron recordings.</param>
/// <param name="AmacrineSamples">Amacrine units in the interneuron recordings.</param>
/// <param name="Images">Synthetic natural images.</param>
/// <param name="ImageSize">Side of each image, pixels (= checkers).</param>
/// <param name="WhiteNoise">The white-noise checkerboard of the ganglion-cell recordings.</param>
/// <param name="InterneuronNoise">The white-noise checkerboard of the interneuron recordings.</param>
/// <param name="Eye">Eye movements over the natural images.</param>
public sealed record SimulationPreset(
    string Name, string Description, int Grid, int Cells, double NaturalTrainSeconds, double WhiteNoiseTrainSeconds, double TestSeconds,
    int Repeats, double InterneuronSeconds, int BipolarSamples, int AmacrineSamples, int Images, int ImageSize,
    WhiteNoiseSpec WhiteNoise, WhiteNoiseSpec InterneuronNoise, EyeMovements Eye)
{
    /// <summary>Seconds per frame and bin (the deep-retina data's 10 ms).</summary>
    public const double FramePeriod = 0.01;

    /// <summary>Frames of a stimulus lasting <paramref name="seconds"/>.</summary>
    public static long Frames(double seconds) => (long)Math.Round(seconds / FramePeriod);
}

/// <summary>The presets: tiny (CI), small (a laptop), paper (the real recordings' size).</summary>
public static class SimulationPresets
{
    /// <summary>
    /// CI-sized: 32×32 checkers, 4 cells, 4 min of natural scenes and of white noise for training, 30 s tests with 5
    /// repeats. Simulates in seconds; a quick CNN trains on it in minutes on 2 cores.
    /// </summary>
    public static SimulationPreset Tiny { get; } = new("tiny", "CI-sized: 32x32 checkers, 4 cells, 4 + 4 min training, 30 s tests x 5 repeats",
        32, 4, 240, 240, 30, 5, 120, 4, 2, 12, 160, new WhiteNoiseSpec(HoldFrames: 3), new WhiteNoiseSpec(HoldFrames: 3), new EyeMovements());

    /// <summary>Laptop-sized: 50×50, 12 cells, 20 min of each stimulus for training, 60 s tests with 10 repeats.</summary>
    public static SimulationPreset Small { get; } = new("small", "laptop-sized: 50x50 checkers, 12 cells, 20 + 20 min training, 60 s tests x 10 repeats",
        50, 12, 1200, 1200, 60, 10, 300, 8, 4, 60, 200, new WhiteNoiseSpec(HoldFrames: 3), new WhiteNoiseSpec(HoldFrames: 3), new EyeMovements());

    /// <summary>
    /// The real recordings' size: 50×50, 26 cells (the paper's 5 + 4 + 17), 50 minutes of each stimulus for training,
    /// and 60 s tests with 5 repeats. (The test length and repeat count are assumptions; the public files' exact
    /// values may differ.) Runs chunked in bounded memory; expect tens of minutes on 2 cores.
    /// </summary>
    public static SimulationPreset Paper { get; } = new("paper", "the recordings' size: 50x50 checkers, 26 cells, 50 + 50 min training, 60 s tests x 5 repeats",
        50, 26, 3000, 3000, 60, 5, 600, 12, 6, 150, 256, new WhiteNoiseSpec(HoldFrames: 3), new WhiteNoiseSpec(HoldFrames: 3), new EyeMovements());

    /// <summary>All presets.</summary>
    public static IReadOnlyList<SimulationPreset> All { get; } = [Tiny, Small, Paper];

    /// <summary>The preset called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such preset; the message lists them.</exception>
    public static SimulationPreset Named(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown preset '{name}'; use {string.Join(", ", All.Select(p => p.Name))}.");
}
