namespace Workbench.Analysis;

/// <summary>
/// The ranked correlation of one interneuron type (Fig. 2G): at each rank, the mean over the type's cells of the best r of
/// the channel at that rank.
/// </summary>
/// <param name="Type">The cell type.</param>
/// <param name="Cells">How many cells of the type were averaged.</param>
/// <param name="MeanR">Mean r at rank 0 (the best channel), 1, …</param>
public sealed record TypeRanking(string Type, int Cells, IReadOnlyList<double> MeanR);
