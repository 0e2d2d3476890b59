using TorchSharp;
using Workbench.Data;

namespace Workbench.Simulation;

/// <summary>
/// The mapping between contrast units (0 = mean luminance, ±1 = black/white) and the uint8 intensities files store:
/// stored = round(127.5 + 127.5 · clamp(contrast, −1, 1)).
/// </summary>
public static class StimulusEncoding
{
    /// <summary>Contrast (float) to stored uint8 intensities.</summary>
    public static torch.Tensor ToStored(torch.Tensor contrast) =>
        (contrast.clamp(-1, 1) * 127.5 + 127.5).round().to(torch.uint8);

    /// <summary>Stored uint8 intensities to contrast (float32).</summary>
    public static torch.Tensor ToContrast(torch.Tensor stored) => (stored.to(torch.float32) - 127.5f) / 127.5f;

    /// <summary>
    /// A stimulus in contrast units as a model fitted to a simulated recording sees it: the stored intensity
    /// (127.5 + 127.5 · contrast, clamped to the stored range but not rounded, so small contrasts survive) normalised as the
    /// recording was (<see cref="Recording.Normalisation"/>). Use it to show such a model flashes, gratings or any other
    /// designed stimulus.
    /// </summary>
    public static torch.Tensor ToModelInput(torch.Tensor contrast, StimulusNormalisation normalisation) =>
        ((contrast.to(torch.float32).clamp(-1, 1) * 127.5f + 127.5f) - normalisation.Mean) / (normalisation.Std + StimulusNormalisation.Epsilon);

    /// <summary>
    /// The inverse of <see cref="ToModelInput"/>: a simulated recording's normalised stimulus back in contrast units
    /// ((x · (Std + ε) + Mean − 127.5) / 127.5, not clamped), e.g. to show its natural movie to a model that takes contrast
    /// or another recording's units.
    /// </summary>
    public static torch.Tensor FromModelInput(torch.Tensor input, StimulusNormalisation normalisation) =>
        ((input.to(torch.float32) * (float)(normalisation.Std + StimulusNormalisation.Epsilon) + (float)normalisation.Mean) - 127.5f) / 127.5f;
}
