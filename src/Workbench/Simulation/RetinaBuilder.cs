using TorchSharp;

namespace Workbench.Simulation;

/// <summary>
/// Draws a retina for a preset and seed: cell positions, polarities, subunit pools and interneuron samples, then
/// calibrates each cell's gain and threshold so its rates are salamander-like (a few to tens of Hz on average, peaks
/// near 100 Hz) on a short mixed natural-scene and white-noise stimulus.
/// </summary>
public static class RetinaBuilder
{
    /// <summary>Peak rate (Hz) a cell reaches at the 99.5th percentile of its generator signal during calibration.</summary>
    public const double CalibrationPeakRate = 100;

    /// <summary>Quantile of the calibration generator signal each cell's threshold is placed at: it fires well above its mean only the remaining time.</summary>
    public const double ThresholdQuantile = 0.6;

    /// <summary>Softplus units per standard deviation of a cell's calibration generator signal.</summary>
    public const double SoftplusSteepness = 2.0;

    /// <summary>Builds the retina of <paramref name="preset"/> for <paramref name="seed"/>.</summary>
    public static RetinaConfig Build(SimulationPreset preset, int seed)
    {
        var random = new Random(seed);
        int grid = preset.Grid;
        var pathways = new[]
        {
            new BipolarPathway(Kinetics.Sustained, CentreSigma: 0.6, SurroundSigma: 2.5, SurroundWeight: 0.5, FastTau: 0.03, SlowTau: 0.08, NegativeLobe: 0.3),
            new BipolarPathway(Kinetics.Transient, CentreSigma: 0.5, SurroundSigma: 2.5, SurroundWeight: 0.6, FastTau: 0.02, SlowTau: 0.045, NegativeLobe: 0.95),
        };
        // Fast, strong contrast gain control (a 20-ms power estimate): gain falls with contrast and strong flashes are
        // answered sooner (latency encoding), within the response itself.
        var gain = new GainControl(Tau: 0.02, PoolSigma: 2.0, Strength: 8.0);
        // Wide-field amacrine cells pool an annulus around each ganglion cell: its surround, not its own centre.
        var amacrine = new AmacrineLayer(Sigma: grid / 4.0, Tau: 0.03, Threshold: 0.0, InnerSigma: 4.0);
        var adaptation = new SlowAdaptation(Tau: 1.0, Strength: 0.6);
        var positions = SpreadPositions(preset.Cells, grid, random);
        var cells = positions.Select((p, i) => new GanglionCell(i, p.Row, p.Column,
            // Mostly OFF, as in salamander; the first cell is ON so every preset has both.
            Polarity: i == 0 || (i > 1 && random.NextDouble() < 0.3) ? Polarity.On : Polarity.Off,
            // Each cell pools many subunits (its pool, σ 1.5–2.5 checkers, is 3–5 times a bipolar centre's): texture inside
            // the field drives it through the subunits' rectification, which no single linear filter can follow.
            Sigma: 1.5 + 1.0 * random.NextDouble(),
            SustainedShare: 0.2 + 0.6 * random.NextDouble(),
            AmacrineWeight: 0.3 + 0.5 * random.NextDouble(),
            // And a weaker input from the opposite polarity's subunits (30–70 % of its own), as many salamander OFF cells
            // have: frequency doubling, and instantaneous receptive fields that reverse polarity under natural scenes.
            Gain: 1, Threshold: 0, MaxRate: 10, OppositeShare: 0.3 + 0.4 * random.NextDouble())).ToList();
        var units = new List<InterneuronUnit>();
        string[] bipolarTypes = ["on-sustained", "off-sustained", "on-transient", "off-transient"];
        for (int i = 0; i < preset.BipolarSamples; i++)
        {
            var (row, col) = (grid / 4 + random.Next(grid / 2), grid / 4 + random.Next(grid / 2));
            units.Add(new InterneuronUnit(units.Count, "bipolar", bipolarTypes[i % bipolarTypes.Length], row, col));
        }
        for (int i = 0; i < preset.AmacrineSamples; i++)
            units.Add(new InterneuronUnit(units.Count, "amacrine", "wide-field", grid / 4 + random.Next(grid / 2), grid / 4 + random.Next(grid / 2)));
        var config = new RetinaConfig(grid, grid, SimulationPreset.FramePeriod, pathways, gain, amacrine, adaptation, cells, units, SubunitThreshold: 0.02);
        return Calibrate(config, preset, seed);
    }

    /// <summary>Positions in the central half of the grid, at least two checkers apart where possible.</summary>
    private static List<(double Row, double Column)> SpreadPositions(int count, int grid, Random random)
    {
        var result = new List<(double, double)>();
        double low = grid * 0.25, span = grid * 0.5;
        for (int attempt = 0; result.Count < count && attempt < 10_000; attempt++)
        {
            var p = (Row: low + span * random.NextDouble(), Column: low + span * random.NextDouble());
            double spacing = attempt < 5_000 ? 2.0 : 0.0;
            if (result.All(q => Math.Pow(q.Item1 - p.Row, 2) + Math.Pow(q.Item2 - p.Column, 2) >= spacing * spacing)) result.Add(p);
        }
        return result;
    }

    /// <summary>
    /// Places each cell's threshold, gain and peak rate (<see cref="GanglionCell.Threshold"/>, <see cref="GanglionCell.Gain"/>,
    /// <see cref="GanglionCell.MaxRate"/>) for the circuit of <paramref name="config"/>, as <see cref="Build"/> does: on a
    /// 20-second mix of the preset's natural scenes and white noise drawn from <paramref name="seed"/>, the threshold at the
    /// <see cref="ThresholdQuantile"/> quantile of the generator signal, <see cref="SoftplusSteepness"/> softplus units per
    /// standard deviation, and <see cref="CalibrationPeakRate"/> at its 99.5th percentile. Call it after changing the circuit
    /// (e.g. <c>config with { Amacrine = AmacrineLayer.ObjectMotion }</c>): the old calibration would leave the cells silent or
    /// saturated. Every other field is kept.
    /// </summary>
    public static RetinaConfig Calibrate(RetinaConfig config, SimulationPreset preset, int seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Height != preset.Grid || config.Width != preset.Grid)
            throw new ArgumentException($"The retina is {config.Height}x{config.Width} checkers, the preset '{preset.Name}' {preset.Grid}x{preset.Grid}.", nameof(preset));
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator((ulong)seed + 17);
        var random = new Random(seed + 17);
        var images = Enumerable.Range(0, 2).Select(_ => NaturalImages.ToContrast(NaturalImages.DeadLeaves(Math.Max(preset.ImageSize, config.Height + 8), random))).ToList();
        long frames = SimulationPreset.Frames(10);
        using var natural = NaturalMovie.Create(images, preset.Eye, frames, config.Height, config.Width, config.FramePeriod, random);
        var noise = WhiteNoise.Movie(preset.WhiteNoise, frames, config.Height, config.Width, generator);
        var stimulus = torch.cat([natural.Movie, noise]);
        using var retina = new SyntheticRetina(config);
        using var response = retina.Simulate(stimulus);
        var u = response.Generator.narrow(0, config.Memory, response.Generator.shape[0] - config.Memory);
        var cells = config.Cells.Select((cell, i) =>
        {
            var column = u[.., i].to(torch.float64);
            double threshold = column.quantile(ThresholdQuantile).item<double>();
            double spread = column.std().item<double>();
            double high = column.quantile(0.995).item<double>();
            // One standard deviation of the generator spans SoftplusSteepness units of the softplus: spontaneous firing
            // near threshold, a soft threshold below it, and MaxRate set so the 99.5th percentile reaches the peak rate.
            double gain = SoftplusSteepness / Math.Max(spread, 1e-9);
            double z = gain * (high - threshold);
            double maxRate = CalibrationPeakRate / Math.Log(1 + Math.Exp(z));
            return cell with { Gain = gain, Threshold = threshold, MaxRate = maxRate };
        }).ToList();
        return config with { Cells = cells };
    }
}
