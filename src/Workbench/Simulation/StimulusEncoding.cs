using TorchSharp;

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
}
