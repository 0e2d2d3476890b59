using Workbench.IO;

namespace Workbench.Simulation;

/// <summary>One stimulus of a simulated experiment, as generated.</summary>
/// <param name="Kind">natural scenes or white noise.</param>
/// <param name="TrainSeconds">Training stimulus length.</param>
/// <param name="TestSeconds">Test stimulus length (0 for the interneuron stimulus).</param>
/// <param name="Repeats">Test presentations.</param>
/// <param name="Description">Everything else that decided it (images, eye movements, noise kind, contrast, hold).</param>
public sealed record StimulusTruth(string Kind, double TrainSeconds, double TestSeconds, int Repeats, string Description);

/// <summary>
/// The machine-readable truth behind a simulated data set, saved next to its HDF5 files as ground-truth.json:
/// every parameter of the retina (bipolar pathways and their filters, gain control, amacrine layer, each ganglion cell's
/// position, polarity, subunit pool and output nonlinearity, the interneuron sample) and of the stimuli.
/// </summary>
/// <param name="Preset">tiny, small or paper.</param>
/// <param name="Seed">The seed everything derives from.</param>
/// <param name="Retina">The retina's parameters.</param>
/// <param name="TemporalFilters">Each bipolar pathway's temporal filter (oldest tap first, 10-ms taps), by kinetics.</param>
/// <param name="Stimuli">The stimuli.</param>
/// <param name="Files">What each output file holds.</param>
public sealed record GroundTruth(string Preset, int Seed, RetinaConfig Retina, IReadOnlyDictionary<string, float[]> TemporalFilters,
    IReadOnlyList<StimulusTruth> Stimuli, IReadOnlyDictionary<string, string> Files)
{
    /// <summary>Identifies the format.</summary>
    public string Format { get; init; } = "retina-workbench/synthetic-ground-truth/1";

    /// <summary>How to read the parameters.</summary>
    public string Conventions { get; init; } =
        "Contrast units: 0 = mean luminance, ±1 = full contrast; files store uint8 = round(127.5 + 127.5·contrast). " +
        "Positions are (row, column) in checkers. A ganglion cell's subunit weight at (y, x) is exp(-((y-Row)²+(x-Column)²)/(2·Sigma²)) " +
        "normalised to unit sum, times SustainedShare for the sustained and (1 - SustainedShare) for the transient bipolar output of its polarity; " +
        "its rate is MaxRate·softplus(Gain·(pooled − AmacrineWeight·amacrine − Threshold)) Hz. firing_rate_Xms datasets are spike counts per 10-ms bin " +
        "smoothed by a centred Gaussian of sigma X ms, in Hz; test rates are averaged over repeats; test/response/binned holds the first repeat's counts.";

    /// <summary>Writes the ground truth as indented JSON, atomically.</summary>
    public void Save(string path) => JsonFiles.Write(path, this);

    /// <summary>Reads a ground-truth file.</summary>
    public static GroundTruth Load(string path) => JsonFiles.Read<GroundTruth>(path);
}
