namespace Workbench.Analysis;

/// <summary>A model unit and its Pearson correlation with a signal (e.g. an interneuron's membrane potential).</summary>
/// <param name="Unit">The unit.</param>
/// <param name="R">Pearson r.</param>
public sealed record UnitCorrelation(UnitAddress Unit, double R);
