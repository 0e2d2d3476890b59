namespace Workbench.Phenomena;

/// <summary>Fast contrast adaptation (<see cref="FastContrastAdaptation"/>) with the data of the paper's Fig. 3A.</summary>
/// <param name="Name">Phenomenon name.</param>
/// <param name="Verdict">Verdict.</param>
/// <param name="Criterion">Decision rule.</param>
/// <param name="Numbers">Headline numbers.</param>
/// <param name="Contrasts">Noise contrasts (standard deviation, contrast units), ascending.</param>
/// <param name="Cells">The model's cells measured, in order.</param>
/// <param name="Gain"><c>[contrast][cell]</c>: slope of the binned nonlinearity against the filtered stimulus rescaled to
/// standard deviation = contrast (rate per unit contrast); NaN for a cell without a filter.</param>
/// <param name="CentreOfMassHz"><c>[contrast][cell]</c>: the gradient receptive field's temporal kernel's power-spectrum
/// centre of mass over 0–15 Hz; NaN for a cell without a gradient.</param>
/// <param name="MeanGain">Mean over cells of <paramref name="Gain"/> at each contrast.</param>
/// <param name="MeanCentreOfMassHz">Mean over cells of <paramref name="CentreOfMassHz"/> at each contrast.</param>
/// <param name="KernelSeconds">Time of each kernel entry relative to the response, s (−History·0.01 … −0.01).</param>
/// <param name="Kernels"><c>[contrast][cell][lag]</c>: the LN filter's temporal kernel (rank-1 component of the rescaled
/// filter, so its size is comparable between contrasts), its sign aligned with the lowest contrast's.</param>
/// <param name="NonlinearityInputs"><c>[contrast][cell][bin]</c>: bin centres of the rescaled filtered stimulus.</param>
/// <param name="NonlinearityOutputs"><c>[contrast][cell][bin]</c>: the mean response in each bin.</param>
public sealed record FastContrastAdaptationResult(string Name, Verdict Verdict, string Criterion, IReadOnlyDictionary<string, double> Numbers,
    IReadOnlyList<double> Contrasts, IReadOnlyList<int> Cells, IReadOnlyList<double[]> Gain, IReadOnlyList<double[]> CentreOfMassHz,
    IReadOnlyList<double> MeanGain, IReadOnlyList<double> MeanCentreOfMassHz, IReadOnlyList<double> KernelSeconds,
    IReadOnlyList<double[][]> Kernels, IReadOnlyList<double[][]> NonlinearityInputs, IReadOnlyList<double[][]> NonlinearityOutputs)
    : PhenomenonResult(Name, Verdict, Criterion, Numbers);
