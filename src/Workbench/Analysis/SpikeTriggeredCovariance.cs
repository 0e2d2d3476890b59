using static TorchSharp.torch;

namespace Workbench.Analysis;

/// <summary>
/// Spike-triggered covariance of one unit or cell over a spatial cutout of its windows (see
/// <see cref="UnitReverseCorrelation.Covariance"/>).
/// </summary>
/// <param name="Average">The response-weighted mean window minus the mean window, <c>(T, S, S)</c> (float32, CPU).</param>
/// <param name="Eigenvalues">Eigenvalues of ΔC = C_response − C_prior, <c>(D)</c> with D = T·S·S, in descending order (float64, CPU):
/// the first are directions whose variance the response raises (excitatory), the last those it lowers (suppressive).</param>
/// <param name="Eigenvectors">The matching unit eigenvectors as filters, <c>(D, T, S, S)</c> (float32, CPU); their sign is arbitrary.</param>
/// <param name="Top">First stimulus row of the cutout.</param>
/// <param name="Left">First stimulus column of the cutout.</param>
/// <param name="Windows">Number of windows the estimate used.</param>
public sealed record SpikeTriggeredCovariance(Tensor Average, Tensor Eigenvalues, Tensor Eigenvectors, int Top, int Left, long Windows);
