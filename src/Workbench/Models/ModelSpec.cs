using System.Text.Json.Serialization;
using Workbench.Data;
using Workbench.Models.Layers;

namespace Workbench.Models;

/// <summary>The model families the workbench trains.</summary>
[JsonConverter(typeof(JsonStringEnumConverter))]
public enum ModelKind
{
    /// <summary>The McIntosh et al. 2016 BN-CNN: two convolutional layers with batch norm, noise and ReLU, a readout, softplus.</summary>
    BnCnn,
    /// <summary>The Neuron 2023 linear-stacked BN-CNN: each large kernel a stack of linear 3×3 convolutions, |γ| batch norm.</summary>
    Stacked,
    /// <summary>Linear–nonlinear: a linear filter on a cutout around each cell's receptive field, then softplus.</summary>
    Ln,
    /// <summary>Generalised linear model: stimulus filter on a cutout plus a filter over the cell's own spike history, softplus.</summary>
    Glm,
    /// <summary>Linear–nonlinear model built by reverse correlation: STA filter on a cutout, binned nonlinearity.</summary>
    RevCorLn,
    /// <summary>Any other module with the same contract (a TorchScript export from PyTorch, a user's own module), wrapped.</summary>
    External,
    /// <summary>The synthetic retina itself, as a window model (<see cref="GroundTruthModel"/>): built from its parameters, never trained.</summary>
    GroundTruth,
}

/// <summary>How the convolutional models map their last feature maps to cells.</summary>
[JsonConverter(typeof(JsonStringEnumConverter))]
public enum ReadoutKind
{
    /// <summary>Flatten, then a dense layer to all cells (the reference default).</summary>
    Dense,
    /// <summary>A convolution with one output channel per cell, read at the cell's receptive-field centre.</summary>
    Convolutional,
    /// <summary>Per cell a spatial mask times a feature vector (Klindt et al. 2017; <see cref="FactorizedReadout"/>), then softplus.</summary>
    Factorized,
    /// <summary>Per cell the features at one learned location, sampled around it in training (Lurz et al. 2021;
    /// <see cref="GaussianReadout"/>), then softplus.</summary>
    Gaussian,
}

/// <summary>
/// Everything needed to rebuild a model: saved as JSON next to its weights, and checked against them on load.
/// Defaults are the reference's (torch-deep-retina <c>BNCNN</c>: 40-frame history, 50×50, channels 8/8, kernels 15/11,
/// per-location batch norm, noise 0.05, dense readout with bias).
/// </summary>
public sealed record ModelSpec
{
    /// <summary>The family.</summary>
    public ModelKind Kind { get; init; } = ModelKind.BnCnn;

    /// <summary>Frames of stimulus history per prediction (input channels).</summary>
    public int History { get; init; } = 40;

    /// <summary>Stimulus height in checkers.</summary>
    public int Height { get; init; } = 50;

    /// <summary>Stimulus width in checkers.</summary>
    public int Width { get; init; } = 50;

    /// <summary>Number of cells predicted.</summary>
    public int Cells { get; init; } = 5;

    /// <summary>Channels of the convolutional layers, one entry per layer (the core's depth; the reference has two).</summary>
    public IReadOnlyList<int> Channels { get; init; } = [8, 8];

    /// <summary>Kernel sizes of the convolutional layers, one per entry of <see cref="Channels"/>.</summary>
    public IReadOnlyList<int> Kernels { get; init; } = [15, 11];

    /// <summary>Zero padding (checkers on every side) of each convolutional layer; null: none, the reference's valid
    /// convolutions. Padding keeps a deeper core's maps from shrinking (openretina pads its cores).</summary>
    public IReadOnlyList<int>? Padding { get; init; }

    /// <summary>The nonlinearity after each convolutional layer's batch norm.</summary>
    public CoreNonlinearity Nonlinearity { get; init; } = CoreNonlinearity.Relu;

    /// <summary>Batch-norm statistics of the convolutional layers.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter))]
    public BatchNormMode BatchNorm { get; init; } = BatchNormMode.PerLocation;

    /// <summary>Readout of the convolutional models.</summary>
    public ReadoutKind Readout { get; init; } = ReadoutKind.Dense;

    /// <summary>The spread a Gaussian readout learns per cell.</summary>
    public GaussianShape GaussianShape { get; init; } = GaussianShape.Isotropic;

    /// <summary>L1 weight of a factorized readout's masks and features, or of a Gaussian readout's features (a mean over cells).</summary>
    public double ReadoutL1 { get; init; } = 0.01;

    /// <summary>Kernel of a convolutional readout.</summary>
    public int ReadoutKernel { get; init; } = 11;

    /// <summary>Whether the readout has a bias (torch reference: yes; Keras and the stacked models: no).</summary>
    public bool ReadoutBias { get; init; } = true;

    /// <summary>Standard deviation of the training-time Gaussian noise after each batch norm.</summary>
    public double Noise { get; init; } = 0.05;

    /// <summary>
    /// For a core shared by several recordings (<see cref="SharedCoreModel"/>), each recording's id and cell count, in output
    /// order; <see cref="Cells"/> is their sum. Null for a model of one recording.
    /// </summary>
    public IReadOnlyList<RecordingCells>? Recordings { get; init; }

    /// <summary>Receptive-field centres of the cells (convolutional readout, LN and GLM cutouts).</summary>
    public IReadOnlyList<CellPosition>? CellPositions { get; init; }

    /// <summary>Side of the square cutout around each cell's receptive field (LN and GLM).</summary>
    public int Cutout { get; init; } = 15;

    /// <summary>Quantile bins of a reverse-correlation LN model's nonlinearity.</summary>
    public int NonlinearityBins { get; init; } = 40;

    /// <summary>Bins of the cell's own spike history the GLM sees.</summary>
    public int SpikeHistory { get; init; } = 40;

    /// <summary>
    /// Per cell, the mean spike count per bin of the training data (GLM): the history a GLM assumes when it is given no
    /// recorded spikes (see <see cref="Glm"/>). <c>null</c> (older checkpoints) assumes silence.
    /// </summary>
    public IReadOnlyList<double>? MeanSpikeCounts { get; init; }

    /// <summary>The reference BN-CNN for <paramref name="cells"/> cells.</summary>
    public static ModelSpec BnCnnFor(int cells, int height = 50, int width = 50) => new() { Cells = cells, Height = height, Width = width };

    /// <summary>The linear-stacked BN-CNN (|γ| batch norm, no readout bias) for <paramref name="cells"/> cells.</summary>
    public static ModelSpec StackedFor(int cells, int height = 50, int width = 50) =>
        new() { Kind = ModelKind.Stacked, Cells = cells, Height = height, Width = width, ReadoutBias = false };
}
