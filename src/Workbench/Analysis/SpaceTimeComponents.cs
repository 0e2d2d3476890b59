using static TorchSharp.torch;

namespace Workbench.Analysis;

/// <summary>The rank-1 decomposition of a space-time filter (see <see cref="SpaceTimeDecomposition"/>).</summary>
/// <param name="Spatial">Spatial component <c>(H, W)</c>, unit norm, largest-magnitude entry positive (float32, CPU).</param>
/// <param name="Temporal">Temporal component <c>(T)</c>, scaled by the singular value; index T−1 is the most recent frame.</param>
/// <param name="SingularValue">The first singular value.</param>
/// <param name="VarianceExplained">The first component's share of the filter's energy, s₁² / Σ s_k², in [0, 1]; 1 for a separable filter.</param>
public sealed record SpaceTimeComponents(Tensor Spatial, Tensor Temporal, double SingularValue, double VarianceExplained);
