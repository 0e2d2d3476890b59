using TorchSharp;
using Workbench.Models;
using Workbench.Models.Layers;

namespace Workbench.Analysis;

/// <summary>
/// Whether a Gaussian readout has found its cells: each learned location (map coordinates plus the core's offset, so in
/// stimulus checkers) against the cell's true receptive-field centre, e.g. the synthetic retina's ground truth.
/// </summary>
public static class ReadoutLocations
{
    /// <summary>Compares <paramref name="model"/>'s Gaussian readout locations with <paramref name="truePositions"/>
    /// (row, column per cell, stimulus checkers).</summary>
    /// <exception cref="ArgumentException">The model's readout is not Gaussian, or the positions are not one per cell.</exception>
    public static ReadoutLocationComparison Compare(BnCnn model, IReadOnlyList<(double Row, double Column)> truePositions)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(truePositions);
        if (model.Readout is not GaussianReadout readout)
            throw new ArgumentException($"Only a Gaussian readout has locations; this model's readout is {model.Spec.Readout}.", nameof(model));
        if (truePositions.Count != model.Spec.Cells)
            throw new ArgumentException($"{truePositions.Count} true positions for {model.Spec.Cells} cells.", nameof(truePositions));
        double offset = model.CoreOffset;
        var (_, height, width) = model.CoreShape;
        using var locations = readout.Locations();
        var l = locations.to(torch.float64).cpu().data<double>().ToArray();
        var cells = new List<ReadoutLocation>();
        var atCentre = new List<double>();
        double centreRow = offset + (height - 1) / 2.0, centreColumn = offset + (width - 1) / 2.0;
        for (int c = 0; c < truePositions.Count; c++)
        {
            var (tr, tc) = truePositions[c];
            double row = l[2 * c] + offset, column = l[2 * c + 1] + offset;
            bool covered = tr >= offset && tr <= offset + height - 1 && tc >= offset && tc <= offset + width - 1;
            cells.Add(new ReadoutLocation(c, row, column, tr, tc, Math.Sqrt((row - tr) * (row - tr) + (column - tc) * (column - tc)), covered));
            if (covered) atCentre.Add(Math.Sqrt((centreRow - tr) * (centreRow - tr) + (centreColumn - tc) * (centreColumn - tc)));
        }
        return new ReadoutLocationComparison(cells) { MedianErrorAtMapCentre = ReadoutLocationComparison.Median(atCentre) };
    }
}
