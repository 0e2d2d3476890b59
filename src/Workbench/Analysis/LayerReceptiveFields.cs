using TorchSharp;
using Workbench.Models;
using static TorchSharp.torch;

namespace Workbench.Analysis;

/// <summary>
/// The receptive fields of a set of units of one model, by reverse correlation over a white-noise stimulus, each decomposed
/// into a spatial and a temporal component (the paper's Fig. 2B, and <c>workbench rf</c>). Owns its tensors.
/// </summary>
/// <param name="Units">The units, in order.</param>
/// <param name="Stas">Their spike-triggered averages <c>(U, History, H, W)</c> (float32, CPU; see <see cref="UnitReverseCorrelation.Stas(RetinaModel, Tensor, IReadOnlyList{UnitAddress}, int)"/>).</param>
/// <param name="Components">Each STA's rank-1 decomposition (<see cref="SpaceTimeDecomposition"/>).</param>
/// <param name="Frames">Stimulus frames the STAs were computed over.</param>
public sealed record LayerReceptiveFields(IReadOnlyList<UnitAddress> Units, Tensor Stas, IReadOnlyList<SpaceTimeComponents> Components, long Frames) : IDisposable
{
    /// <summary>
    /// The receptive field of the central unit of every channel of <paramref name="layer"/> (<see cref="LayerProbe.CentralUnits"/>),
    /// over <paramref name="stimulus"/> <c>(T, H, W)</c> in the model's input units (for fitted models, Gaussian white noise of
    /// unit variance is white noise at the training stimulus's contrast).
    /// </summary>
    /// <exception cref="ArgumentException">The model has no such layer (the message lists its layers), or the stimulus does not fit the model.</exception>
    public static LayerReceptiveFields OfCentralUnits(RetinaModel model, string layer, Tensor stimulus, int batchSize = 128) =>
        Of(model, LayerProbe.CentralUnits(model, layer), stimulus, batchSize);

    /// <summary>The receptive fields of <paramref name="units"/> over <paramref name="stimulus"/> <c>(T, H, W)</c>.</summary>
    /// <exception cref="ArgumentException">No units, a unit outside its layer, or a stimulus that does not fit the model.</exception>
    public static LayerReceptiveFields Of(RetinaModel model, IReadOnlyList<UnitAddress> units, Tensor stimulus, int batchSize = 128)
    {
        if (units.Count == 0) throw new ArgumentException("Name at least one unit.", nameof(units));
        var stas = UnitReverseCorrelation.Stas(model, stimulus, units, batchSize);
        return new LayerReceptiveFields(units.ToList(), stas, SpaceTimeDecomposition.DecomposeAll(stas), stimulus.shape[0]);
    }

    /// <summary>The units' names (their addresses), e.g. for chart labels.</summary>
    public IReadOnlyList<string> Names => Units.Select(u => u.ToString()).ToList();

    /// <inheritdoc/>
    public void Dispose()
    {
        Stas.Dispose();
        foreach (var c in Components) { c.Spatial.Dispose(); c.Temporal.Dispose(); }
    }
}
