using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Training;

/// <summary>The data term of the objective.</summary>
public static class Losses
{
    /// <summary>Added inside the logarithm of the Poisson loss, as torch's PoissonNLLLoss(log_input=False).</summary>
    public const double PoissonEpsilon = 1e-8;

    /// <summary>Mean over all elements of <paramref name="kind"/>'s loss of predicted rates against targets.</summary>
    public static Tensor Compute(LossKind kind, Tensor predicted, Tensor target) => kind switch
    {
        LossKind.Poisson => (predicted - target * (predicted + PoissonEpsilon).log()).mean(),
        LossKind.Mse => (predicted - target).square().mean(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown loss."),
    };

    /// <summary>The output-activity penalty: <paramref name="weight"/> times the mean |rate| over batch and cells, so one
    /// weight carries over between batch sizes and recordings of any number of cells (<see cref="TrainingOptions.L1"/>).</summary>
    public static Tensor OutputL1(Tensor predicted, double weight) => weight * predicted.abs().mean();
}
