using TorchSharp;

namespace Workbench.Stimuli;

/// <summary>A centre/surround jittering grating (<see cref="ObjectMotion.Jitter"/>).</summary>
/// <param name="Movie">Frames <c>(T, H, W)</c> in contrast units.</param>
/// <param name="SurroundOffsets">The surround grating's shift on each frame, checkers (positive: rightward).</param>
/// <param name="CentreOffsets">The centre grating's shift on each frame.</param>
/// <param name="Global">True for global motion (centre moves with the surround), false for differential.</param>
public sealed record ObjectMotionStimulus(torch.Tensor Movie, IReadOnlyList<int> SurroundOffsets, IReadOnlyList<int> CentreOffsets, bool Global) : IDisposable
{
    /// <inheritdoc/>
    public void Dispose() => Movie.Dispose();
}
