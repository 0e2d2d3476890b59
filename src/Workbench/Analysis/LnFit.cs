using static TorchSharp.torch;

namespace Workbench.Analysis;

/// <summary>
/// A linear–nonlinear model of one unit or recorded cell, fitted by reverse correlation on training blocks and judged on
/// held-out blocks (<see cref="LnFits"/>).
/// </summary>
/// <param name="Unit">What was fitted: a <see cref="UnitAddress"/> ("relu1[3, 17, 17]") or a recorded cell's name.</param>
/// <param name="Filter">The filter <c>(History, H, W)</c>: the training STA normalised to unit length (float32, CPU; index History−1 the most recent frame).</param>
/// <param name="StaNorm">The length of the training STA (the filter times this is the STA, the covariance of response and stimulus).</param>
/// <param name="BinCentres">Mean generator signal (filter · window) of each equal-count bin, ascending.</param>
/// <param name="BinValues">Mean response of each bin: the nonlinearity at <paramref name="BinCentres"/>.</param>
/// <param name="BinStandardErrors">Standard error of each bin's mean response (sample SD / √count).</param>
/// <param name="TrainCorrelation">Pearson r of the LN prediction with the response on the training windows.</param>
/// <param name="TestCorrelation">Pearson r of the LN prediction with the response on the held-out windows (cross-validated).</param>
/// <param name="TrainWindows">Windows the filter and nonlinearity were fitted on.</param>
/// <param name="TestWindows">Held-out windows the prediction was judged on.</param>
/// <param name="Parametric">The parametric nonlinearity fitted to the bins, when asked for (<see cref="LnFitOptions.Parametric"/>).</param>
public sealed record LnFit(string Unit, Tensor Filter, double StaNorm, double[] BinCentres, double[] BinValues, double[] BinStandardErrors,
    double TrainCorrelation, double TestCorrelation, long TrainWindows, long TestWindows, SoftplusNonlinearity? Parametric);
