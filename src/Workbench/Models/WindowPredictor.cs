using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>
/// A model's route to training predictions for history windows named by their first frames, without gathering the
/// windows (<see cref="RetinaModel.PredictorFor"/>): the BN-CNN's first layer from the movie's frame spectra. Holds what
/// it precomputed until disposed.
/// </summary>
internal sealed class WindowPredictor(Func<long[], Tensor> predict, IDisposable resources) : IDisposable
{
    /// <summary>Rates <c>(B, N)</c> for the windows starting at <paramref name="starts"/>, as
    /// <see cref="RetinaModel.Predict"/> gives them for the gathered windows (to float rounding), differentiable.</summary>
    public Tensor Predict(long[] starts) => predict(starts);

    /// <inheritdoc/>
    public void Dispose() => resources.Dispose();
}
