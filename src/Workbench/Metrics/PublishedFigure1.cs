namespace Workbench.Metrics;

/// <summary>
/// The deep-retina paper's Figure 1B numbers: mean test correlation with the trial-averaged response over its 26 cells
/// (15-10-07: 5, 15-11-21a: 4, 15-11-21b: 17), for comparison with the models fitted here.
/// </summary>
/// <remarks>
/// CNN means are computed from the per-cell rows of <c>figs/model_indycell_performances.csv</c> of the reference
/// repository; the LN, GLM and ceiling values are the reference's own pixel measurements digitised from an older figure
/// (<c>fig1C_plotting.ipynb</c>), so they carry its ±0.02 uncertainty.
/// </remarks>
public static class PublishedFigure1
{
    /// <summary>Natural scenes: CNN 0.726, GLM 0.416, LN 0.382, retinal reliability ceiling 0.796.</summary>
    public static IReadOnlyList<(string Name, double Value)> NaturalScenes { get; } =
    [
        ("paper CNN, 26 cells", 0.726), ("paper GLM (digitised)", 0.416), ("paper LN (digitised)", 0.382), ("paper ceiling (digitised)", 0.796),
    ];

    /// <summary>White noise: CNN 0.722, GLM 0.454, LN 0.418, retinal reliability ceiling 0.823.</summary>
    public static IReadOnlyList<(string Name, double Value)> WhiteNoise { get; } =
    [
        ("paper CNN, 26 cells", 0.722), ("paper GLM (digitised)", 0.454), ("paper LN (digitised)", 0.418), ("paper ceiling (digitised)", 0.823),
    ];
}
