using Workbench.Models;

namespace Workbench.Analysis;

/// <summary>
/// Puts a model in evaluation mode for the duration of a probe and restores its mode afterwards: in training mode the
/// BN-CNN adds noise and its batch norms use the batch's statistics, which would couple the samples of a batch (and so make
/// a summed output's gradient no longer the per-sample gradients).
/// </summary>
internal sealed class EvalMode : IDisposable
{
    private readonly RetinaModel _model;
    private readonly bool _wasTraining;

    public EvalMode(RetinaModel model)
    {
        _model = model;
        _wasTraining = model.training;
        if (_wasTraining) model.eval();
    }

    public void Dispose()
    {
        if (_wasTraining) _model.train(true);
    }
}
