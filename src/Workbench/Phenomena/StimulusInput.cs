using TorchSharp;
using Workbench.Data;
using Workbench.Simulation;

namespace Workbench.Phenomena;

/// <summary>
/// How a model sees a designed stimulus. Every phenomenon builds its stimuli in contrast units (0 = mean luminance,
/// negative darker, ±1 = black/white, the units of <see cref="Stimuli"/>); this adapter turns a contrast movie
/// <c>(T, H, W)</c> into the model's input units, elementwise, before it is cut into history windows, so no phenomenon
/// cares which kind of model it runs on.
/// </summary>
/// <param name="Name">What the adapter does, for reports.</param>
/// <param name="ToModel">Contrast movie → model-input movie (same shape).</param>
public sealed record StimulusInput(string Name, Func<torch.Tensor, torch.Tensor> ToModel)
{
    /// <summary>
    /// Contrast passed unchanged: for the synthetic retina (<c>GroundTruthModel</c> built without an input normalisation)
    /// and for models trained on z-scored stimuli, the reference's convention (its phenomena feed z-scored units directly:
    /// 0 is the mean, −1 one standard deviation darker).
    /// </summary>
    public static StimulusInput Contrast { get; } = new("contrast units, unchanged", c => c.to(torch.float32).clone());

    /// <summary>
    /// For models fitted to a recording of simulated data: contrast → stored intensity → the recording's normalisation
    /// (<see cref="StimulusEncoding.ToModelInput"/>; contrasts beyond ±1 clamp to black/white as the stored file would).
    /// </summary>
    public static StimulusInput ForRecording(StimulusNormalisation normalisation) =>
        new($"stored intensities normalised by mean {normalisation.Mean:G4}, std {normalisation.Std:G4}", c => StimulusEncoding.ToModelInput(c, normalisation));
}
