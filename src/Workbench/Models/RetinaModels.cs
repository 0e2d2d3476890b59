namespace Workbench.Models;

/// <summary>Builds a model from its spec: the one place that maps <see cref="ModelKind"/> to a class.</summary>
public static class RetinaModels
{
    /// <summary>A freshly initialised model for <paramref name="spec"/> (build it outside any dispose scope).</summary>
    public static RetinaModel Create(ModelSpec spec) => spec.Kind switch
    {
        ModelKind.BnCnn or ModelKind.Stacked when spec.Recordings is not null => new SharedCoreModel(spec),
        ModelKind.BnCnn or ModelKind.Stacked => new BnCnn(spec),
        ModelKind.Ln => new LnModel(spec),
        ModelKind.Glm => new Glm(spec),
        ModelKind.RevCorLn => new RevCorLn(spec),
        ModelKind.External => throw new ArgumentException("External models are not rebuilt from a spec: load them with ExternalModel.LoadTorchScript or wrap the module with new ExternalModel(module, spec)."),
        ModelKind.GroundTruth => throw new ArgumentException("The ground-truth model is built from the synthetic retina's parameters, not a spec: use new GroundTruthModel(config) or GroundTruthModel.Load(\"ground-truth.json\")."),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "Unknown model kind."),
    };
}
