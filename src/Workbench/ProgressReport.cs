namespace Workbench;

/// <summary>How far a long piece of work is: which stage, and the fraction of the whole done (0 to 1).</summary>
/// <param name="Stage">What is happening, e.g. "reading train/stimulus".</param>
/// <param name="Fraction">Fraction of the whole job done, 0 to 1.</param>
public readonly record struct ProgressReport(string Stage, double Fraction);
