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
}
