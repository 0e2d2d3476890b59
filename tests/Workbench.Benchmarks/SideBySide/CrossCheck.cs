namespace Workbench.Benchmarks.SideBySide;

/// <summary>
/// Whether the peer and the workbench compute the same model: the peer's state dict loaded into the workbench
/// (<see cref="Workbench.Models.PyTorchCheckpoint"/>), both run in eval mode on <see cref="AnalyticInput"/>, the workbench's outputs
/// compared with the peer's float64 outputs as ‖workbench − peer‖ / ‖peer‖, and the float64 training-mode gradients of the
/// Poisson loss on both sides; plus the peer's own training check (the loss
/// falls over a few steps on one batch), and the peer's float32 arithmetic (the one timed) against its own float64: eval
/// outputs and every parameter gradient of a training-mode loss with the noise off (a float32 convolution kernel that is
/// wrong on this CPU would make the peer's timings those of a wrong computation).
/// </summary>
/// <param name="Float64Error">Relative error of the workbench in float64.</param>
/// <param name="Float32Error">Relative error of the workbench in float32 (its own convolution route).</param>
/// <param name="GradientError">The workbench's float64 training-mode parameter gradients (Poisson loss, noise off) against
/// the peer's: the worst difference of a fingerprint (norm, weighted sum) relative to that gradient's norm.</param>
/// <param name="FirstLoss">The peer's loss at its first check step.</param>
/// <param name="LastLoss">The peer's loss at its last check step.</param>
/// <param name="CheckSteps">Steps of the peer's training check.</param>
/// <param name="PeerFloat32OutputError">The peer's float32 eval outputs against its float64 ones (relative).</param>
/// <param name="PeerFloat32GradientError">The worst relative error of a float32 parameter gradient of the peer against its
/// float64 one (biases right before a batch norm, whose gradients are zero, left out).</param>
/// <param name="PeerWorstGradient">The parameter with that error.</param>
public sealed record CrossCheck(double Float64Error, double Float32Error, double GradientError, double FirstLoss, double LastLoss, int CheckSteps,
    double PeerFloat32OutputError, double PeerFloat32GradientError, string PeerWorstGradient)
{
    /// <summary>Float64 outputs must agree to rounding: the same model, only the summation order differs.</summary>
    public const double Float64Tolerance = 1e-10;

    /// <summary>Float32 outputs of the workbench against the float64 peer: the tolerance of the workbench's numerical self-check.</summary>
    public const double Float32Tolerance = 1e-4;

    /// <summary>Float64 gradients: the same computation, but a batch norm over 4 samples amplifies rounding more than the forward does.</summary>
    public const double GradientTolerance = 1e-8;

    /// <summary>Whether every check passed.</summary>
    public bool Passed => Float64Error <= Float64Tolerance && Float32Error <= Float32Tolerance && GradientError <= GradientTolerance && LastLoss < FirstLoss
                          && PeerFloat32OutputError <= Float32Tolerance && PeerFloat32GradientError <= Float32Tolerance;
}
