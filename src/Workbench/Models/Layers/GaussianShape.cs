using System.Text.Json.Serialization;

namespace Workbench.Models.Layers;

/// <summary>The spread a <see cref="GaussianReadout"/> learns per cell (neuralpredictors' <c>gauss_type</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter))]
public enum GaussianShape
{
    /// <summary>One σ per cell: µ + σ·ε (<c>isotropic</c>).</summary>
    Isotropic,
    /// <summary>A σ per axis: µ + σ ⊙ ε (<c>uncorrelated</c>).</summary>
    AxisAligned,
    /// <summary>A 2×2 square root S of the covariance: µ + S·ε, covariance S·Sᵀ (<c>full</c>).</summary>
    Full,
}
