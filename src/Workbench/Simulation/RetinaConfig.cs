using System.Text.Json.Serialization;

namespace Workbench.Simulation;

/// <summary>Sign of a cell's response to light increments.</summary>
[JsonConverter(typeof(JsonStringEnumConverter))]
public enum Polarity
{
    /// <summary>Excited by light increments.</summary>
    On,
    /// <summary>Excited by light decrements (most salamander ganglion cells).</summary>
    Off,
}

/// <summary>Temporal character of a bipolar pathway.</summary>
[JsonConverter(typeof(JsonStringEnumConverter))]
public enum Kinetics
{
    /// <summary>Mostly monophasic, slower filter: tracks luminance.</summary>
    Sustained,
    /// <summary>Strongly biphasic, faster filter: signals change.</summary>
    Transient,
}

/// <summary>
/// A bipolar-cell pathway: a difference-of-Gaussians receptive field times a biphasic temporal filter, tiled at every
/// checker. ON and OFF types of one kinetics share the linear filter with opposite sign.
/// </summary>
/// <param name="Kinetics">Sustained or transient.</param>
/// <param name="CentreSigma">Centre Gaussian sigma, checkers.</param>
/// <param name="SurroundSigma">Surround Gaussian sigma, checkers.</param>
/// <param name="SurroundWeight">Integrated surround strength relative to the centre (each Gaussian has unit sum).</param>
/// <param name="FastTau">Time constant of the positive lobe, seconds.</param>
/// <param name="SlowTau">Time constant of the negative lobe, seconds.</param>
/// <param name="NegativeLobe">Integral of the negative lobe relative to the positive one (1 = fully transient).</param>
public sealed record BipolarPathway(Kinetics Kinetics, double CentreSigma, double SurroundSigma, double SurroundWeight,
    double FastTau, double SlowTau, double NegativeLobe);

/// <summary>Divisive contrast gain control at the bipolar output: gain 1 / (1 + Strength · local contrast).</summary>
/// <param name="Tau">Time constant of the running estimate of local signal power, seconds.</param>
/// <param name="PoolSigma">Spatial pooling of the power, checkers.</param>
/// <param name="Strength">How strongly contrast lowers the gain.</param>
public sealed record GainControl(double Tau, double PoolSigma, double Strength);

/// <summary>Wide-field amacrine cells pooling rectified transient bipolar output and inhibiting ganglion cells.</summary>
/// <param name="Sigma">Pooling radius (Gaussian sigma), checkers.</param>
/// <param name="Tau">Low-pass time constant, seconds.</param>
/// <param name="Threshold">Subtracted before rectification.</param>
/// <param name="InnerSigma">Radius (Gaussian sigma, checkers) of the hole in the pool around the ganglion cell it inhibits:
/// the pool's weights are the Gaussian of <paramref name="Sigma"/> times 1 − exp(−d² / 2·InnerSigma²), so the inhibition comes
/// from the surround and not the cell's own centre (0: no hole).</param>
/// <param name="Shunting">Divisive (shunting) inhibition of the excitation each ganglion cell receives, by its amacrine signal A:
/// the excitation is divided by 1 + Shunting·A (0: none; the subtractive <see cref="GanglionCell.AmacrineWeight"/> acts as
/// well). Like the polyaxonal amacrine cells that inhibit bipolar terminals (Baccus et al. 2008), it scales the centre's
/// input down while the surround moves, most when both move together: object motion sensitivity.</param>
public sealed record AmacrineLayer(double Sigma, double Tau, double Threshold, double InnerSigma = 0, double Shunting = 0)
{
    /// <summary>
    /// A far-surround layer that gives the retina object motion sensitivity: each cell's pool is an annulus of σ 14 checkers
    /// with a hole of σ 10 (about the radius of Ölveczky et al.'s "object", 8 checkers), low-passed over 30 ms, inhibiting
    /// subtractively (each cell's <see cref="GanglionCell.AmacrineWeight"/>) and shunting its bipolar input with strength 30.
    /// Swap it into a built retina and recalibrate (<see cref="RetinaBuilder.Calibrate"/>). Measured with the battery's quick
    /// settings: median global/differential ratio 0.75 on the tiny preset and 0.62 on the small one (0.90 and 0.87 with the
    /// default layer). Why it is not the default: it also shunts the response to anything that covers the far surround, so
    /// with it as the tiny retina's layer, F2/F1 at 8-checker bars rose to 1.9 (F1 no longer dominates wide bars), the
    /// depression after a step down in contrast was lost, and one cell's white-noise STA centre moved 5 checkers from its
    /// position.
    /// </summary>
    public static AmacrineLayer ObjectMotion => new(Sigma: 14.0, Tau: 0.03, Threshold: 0.0, InnerSigma: 10.0, Shunting: 30.0);
}

/// <summary>
/// Slow contrast adaptation at the ganglion cell: its pooled excitation minus Strength times a slow running average of
/// that excitation (time constant Tau). After a step down in contrast the average still reflects the high contrast, so
/// firing is depressed and recovers over about Tau — the slow adaptation of Smirnakis et al. 1997.
/// </summary>
/// <param name="Tau">Time constant, seconds.</param>
/// <param name="Strength">Fraction of the running average subtracted.</param>
public sealed record SlowAdaptation(double Tau, double Strength);

/// <summary>A ganglion cell: the ground truth the data were generated from.</summary>
/// <param name="Index">Column in the response arrays.</param>
/// <param name="Row">Receptive-field centre row, checkers.</param>
/// <param name="Column">Receptive-field centre column, checkers.</param>
/// <param name="Polarity">Which bipolar polarity it pools.</param>
/// <param name="Sigma">Gaussian sigma of its subunit weights, checkers.</param>
/// <param name="SustainedShare">Share of sustained (vs transient) bipolar input, 0 to 1.</param>
/// <param name="AmacrineWeight">Strength of wide-field amacrine inhibition.</param>
/// <param name="Gain">Gain of the generator signal inside the softplus.</param>
/// <param name="Threshold">Subtracted from the generator signal inside the softplus.</param>
/// <param name="MaxRate">Scale of the softplus output, Hz.</param>
/// <param name="OppositeShare">Weight of the opposite polarity's rectified subunits relative to its own polarity's (0: a pure
/// ON or OFF cell; salamander OFF cells often take a weaker ON input too).</param>
public sealed record GanglionCell(int Index, double Row, double Column, Polarity Polarity, double Sigma, double SustainedShare,
    double AmacrineWeight, double Gain, double Threshold, double MaxRate, double OppositeShare = 0);

/// <summary>A unit whose "membrane potential" an interneuron recording reports.</summary>
/// <param name="Index">Column in the potentials.</param>
/// <param name="Layer"><c>bipolar</c> or <c>amacrine</c>.</param>
/// <param name="Type">For bipolars, e.g. "off-transient"; for amacrines "wide-field".</param>
/// <param name="Row">Position row, checkers.</param>
/// <param name="Column">Position column, checkers.</param>
public sealed record InterneuronUnit(int Index, string Layer, string Type, double Row, double Column);

/// <summary>The whole synthetic retina: every parameter that decides its responses.</summary>
/// <param name="Height">Stimulus rows.</param>
/// <param name="Width">Stimulus columns.</param>
/// <param name="FramePeriod">Seconds per frame and response bin.</param>
/// <param name="Pathways">Bipolar pathways (one sustained, one transient).</param>
/// <param name="Gain">Bipolar contrast gain control.</param>
/// <param name="Amacrine">The wide-field amacrine layer.</param>
/// <param name="Adaptation">Slow adaptation of the ganglion cells.</param>
/// <param name="Cells">The ganglion cells.</param>
/// <param name="Interneurons">The units interneuron recordings sample.</param>
/// <param name="SubunitThreshold">Subtracted from each bipolar potential (either sign) before its rectification: the
/// subunit stays silent for small inputs (0: half-wave rectification at rest).</param>
public sealed record RetinaConfig(int Height, int Width, double FramePeriod, IReadOnlyList<BipolarPathway> Pathways, GainControl Gain,
    AmacrineLayer Amacrine, SlowAdaptation Adaptation, IReadOnlyList<GanglionCell> Cells, IReadOnlyList<InterneuronUnit> Interneurons,
    double SubunitThreshold = 0)
{
    /// <summary>Taps of the bipolar temporal filters (400 ms at 10 ms).</summary>
    public int TemporalTaps => (int)Math.Round(0.4 / FramePeriod);

    /// <summary>Taps of the exponential filters (gain control, amacrine): five time constants.</summary>
    public int ExponentialTaps(double tau) => Math.Max(1, (int)Math.Ceiling(5 * tau / FramePeriod));

    /// <summary>Frames of stimulus history every output depends on: the sum of the chained filters' lengths.</summary>
    public int Memory => TemporalTaps + ExponentialTaps(Gain.Tau) + ExponentialTaps(Amacrine.Tau);
}
