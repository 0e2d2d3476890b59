using System.Diagnostics;
using Workbench.Analysis;
using Workbench.Data;
using Workbench.Data.Interneurons;
using Workbench.Models;
using Workbench.Simulation;
using Workbench.Statistics;
using TorchSharp;
using Workbench.Tests.Support;
using Xunit.Abstractions;

namespace Workbench.Tests.Analysis;

/// <summary>
/// Issue 12's checks against the ground truth that need a trained model: a BN-CNN fitted to the tiny synthetic retina's
/// natural-scene responses (<see cref="TrainedTinyRetina"/>, trained once for the class) has layer-1 units that match the
/// simulator's bipolar potentials near where the bipolars are, and its instantaneous receptive fields, like the synthetic
/// retina's own, vary from moment to moment under natural scenes (where an LN model's never do).
/// </summary>
public class GroundTruthChecksTests(TrainedTinyRetina retina, ITestOutputHelper output) : IClassFixture<TrainedTinyRetina>
{
    /// <summary>
    /// "Clearly exceeds the control": a bipolar's best layer-1 r is at least twice the largest |r| of any probed unit with
    /// the time-shuffled potential (the null's extreme over ~13,000 units; 0.08-0.11 here, well above 1/√K because stimulus
    /// and potentials are smooth in time). Measured ratios 2.0-3.0 (seed 1, the retuned retina: its bipolar centres are
    /// σ 0.5-0.6, finer than the CNN's 15x15 kernels resolve after the fixture's budget; 2.6-5.1 over two seeds before).
    /// </summary>
    private const double ControlFactor = 2;

    /// <summary>
    /// Checkers from the centre of the best layer-1 unit's receptive field (<see cref="InterneuronMatching.ReceptiveFieldCentre"/>:
    /// the energy centroid of its gradient RF, as recorded cells' centres are found) to the bipolar's true position. Measured
    /// 0.2-0.8 (seed 1); fewer than 1% of the 32×32 positions lie this close to a given point.
    /// </summary>
    private const double MaxRfDistance = 1.5;

    /// <summary>
    /// "Wide": pooled over the cells, at least a tenth of the IRFs correlate at most this with their cell's average RF
    /// (per-cell lower deciles measured 0.55–0.78 for the CNN, −0.72–0.37 for the retuned synthetic retina, whose IRFs
    /// reverse sign in 1–59 % of the steps), where an LN model's every IRF correlates above 1 − 1e-6
    /// (<see cref="GradientReceptiveFieldsTests.ForAnLnModel_EveryInstantaneousRf_IsTheAverageRf"/>).
    /// </summary>
    private const double MaxPooledLowerDecile = 0.85;

    /// <summary>And no single cell is LN-like: each cell's lower decile stays below this (measured at most 0.78).</summary>
    private const double MaxCellLowerDecile = 0.95;

    /// <summary>Windows of the natural-scene test movie whose IRFs are taken (4 s; the synthetic retina costs ~10 ms a window).</summary>
    private const int IrfWindows = 300;

    /// <summary>
    /// Oracle: the simulator's own bipolar potentials and positions (interneurons.h5, recorded on a white-noise stimulus the
    /// CNN never saw). For every bipolar, the best layer-1 (bn1, before the ReLU) unit's r is at least
    /// <see cref="ControlFactor"/> times the shuffled control's largest |r|, its receptive field is centred within
    /// <see cref="MaxRfDistance"/> checkers of the bipolar. Wide-field amacrines are reported, not asserted: on this budget
    /// they do not come out above the control.
    /// </summary>
    [Fact]
    public void TrainedCnn_Layer1_MatchesBipolarPotentials_AtTheirPositions()
    {
        TestTorch.Cpu(seed: 125);
        output.WriteLine(retina.Summary);
        using var recording = InterneuronFile.Read(Path.Combine(retina.SimulationDirectory, RetinaSimulation.InterneuronFileName));
        var clock = Stopwatch.StartNew();
        var matches = InterneuronMatching.Match(retina.Model, recording, "whitenoise");
        output.WriteLine($"matched {matches.Cells.Count} interneurons with bn1 and bn2 over {matches.Windows} windows in {clock.Elapsed.TotalSeconds:F1} s (control shift {matches.ControlShift})");

        var bipolars = matches.Cells.Where(m => m.Cell.Type.StartsWith("bipolar", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(bipolars);
        foreach (var m in matches.Cells)
        {
            var best1 = m.Ranked.First(u => u.Unit.Layer == "bn1");
            var (row, column) = InterneuronMatching.ReceptiveFieldCentre(retina.Model, best1.Unit);
            double trueRow = m.Cell.Row!.Value, trueColumn = m.Cell.Column!.Value;
            double rfDistance = Math.Sqrt(Math.Pow(row - trueRow, 2) + Math.Pow(column - trueColumn, 2));
            output.WriteLine($"{m.Cell.Type,-20} at ({trueRow:F0}, {trueColumn:F0}): layer 1 best {best1.Unit} r {best1.R:F3}, RF centre ({row:F1}, {column:F1}) " +
                             $"{rfDistance:F1} checkers off; control max |r| {m.ControlMaxAbsR:F3} " +
                             $"(ratio {best1.R / m.ControlMaxAbsR:F1}); best overall {m.Best.Unit} r {m.Best.R:F3}, {m.Distance:F1} checkers off");
            if (!bipolars.Contains(m)) continue;
            Assert.True(best1.R >= ControlFactor * m.ControlMaxAbsR,
                $"{m.Cell.Type}: best layer-1 r {best1.R:F3} is not {ControlFactor}x the control's {m.ControlMaxAbsR:F3}");
            Assert.True(rfDistance <= MaxRfDistance,
                $"{m.Cell.Type}: best layer-1 unit {best1.Unit} has its receptive field centred {rfDistance:F1} checkers from the bipolar");
        }
    }

    /// <summary>
    /// Oracle: the LN model's IRF-to-average correlation is 1 (the gradient test); a nonlinear retina's is not. Over the
    /// first <see cref="IrfWindows"/> windows of the natural-scene test movie, for every ganglion cell of the trained
    /// BN-CNN and of the synthetic retina itself (<see cref="GroundTruthModel"/>, on the same normalised windows), the
    /// correlations spread well below 1: the pooled lower decile is at most <see cref="MaxPooledLowerDecile"/> and every
    /// cell's at most <see cref="MaxCellLowerDecile"/>. Reversed fractions are reported (about 0 here: the tiny retina's
    /// cells rarely flip polarity on 4 s).
    /// </summary>
    [Fact]
    public void InstantaneousRfs_OfTrainedCnnAndSyntheticRetina_SpreadWellBelowTheAverage()
    {
        TestTorch.Cpu(seed: 126);
        output.WriteLine(retina.Summary);
        var test = retina.Data.Test;
        int history = TrainedTinyRetina.Options.History;
        using var windows = new HistoryWindows(test, history);
        WindowRange[] stretch = [new(0, IrfWindows)];
        using var truth = GroundTruthModel.Load(Path.Combine(retina.SimulationDirectory, RetinaSimulation.GroundTruthFileName), history, test.Normalisation);
        foreach (var (name, model) in new (string, RetinaModel)[] { ("BN-CNN", retina.Model), ("synthetic retina", truth) })
        {
            var pooled = new List<double>();
            for (int cell = 0; cell < test.Cells.Count; cell++)
            {
                var clock = Stopwatch.StartNew();
                var irfs = GradientReceptiveFields.Compute(model, windows, stretch, UnitAddress.OutputCell(cell));
                irfs.Average.Dispose();
                var c = irfs.Correlations.Where(v => !double.IsNaN(v)).Order().ToArray();
                Assert.Equal(IrfWindows, c.Length); // the output is a softplus: never flat, so every correlation is defined
                output.WriteLine($"{name} cell {cell}: {IrfWindows} IRFs in {clock.Elapsed.TotalSeconds:F1} s; correlation with the average: " +
                                 $"min {c[0]:F3}, 10% {Quantile(c, 0.1):F3}, median {Quantile(c, 0.5):F3}, 90% {Quantile(c, 0.9):F3}, max {c[^1]:F3}; " +
                                 $"reversed {irfs.ReversedFraction:P1}");
                Assert.True(Quantile(c, 0.1) <= MaxCellLowerDecile, $"{name} cell {cell}: lower decile {Quantile(c, 0.1):F3}");
                pooled.AddRange(c);
            }
            var all = pooled.Order().ToArray();
            output.WriteLine($"{name}, all cells: 10% {Quantile(all, 0.1):F3}, median {Quantile(all, 0.5):F3}, 90% {Quantile(all, 0.9):F3}");
            Assert.True(Quantile(all, 0.1) <= MaxPooledLowerDecile, $"{name}: pooled lower decile {Quantile(all, 0.1):F3}");
        }
    }

    /// <summary>The q-quantile of sorted values (nearest rank).</summary>
    private static double Quantile(double[] sorted, double q) => sorted[(int)Math.Round(q * (sorted.Length - 1))];
}
