using TorchSharp;

namespace Workbench.Stimuli;

/// <summary>A moving-bar movie and where its bar is on each frame.</summary>
/// <param name="Movie">Frames <c>(T, H, W)</c> in contrast units.</param>
/// <param name="Centres">The bar's centre on each frame, checkers from the screen centre (× <see cref="Units.MicronsPerChecker"/> for µm).</param>
/// <param name="FlipFrame">For a reversing bar, the frame at which it reaches the flip position (it shows that position
/// again on the next frame, then moves back); −1 for a bar that does not reverse.</param>
public sealed record DriftingBar(torch.Tensor Movie, IReadOnlyList<double> Centres, int FlipFrame) : IDisposable
{
    /// <inheritdoc/>
    public void Dispose() => Movie.Dispose();
}
