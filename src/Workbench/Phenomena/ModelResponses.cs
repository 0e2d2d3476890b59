using TorchSharp;
using Workbench.Analysis;
using Workbench.Models;

namespace Workbench.Phenomena;

/// <summary>Runs a model on a designed stimulus and returns the rates, the way every phenomenon does.</summary>
public static class ModelResponses
{
    /// <summary>
    /// The model's rates for every history window of the contrast movie <paramref name="movie"/> <c>(T, H, W)</c>, seen
    /// through <paramref name="input"/>: <c>[cell][k]</c> for k = 0 … T − History − 1, where response k belongs to frame
    /// <c>k + History</c> (the window holds the frames before it, as recordings pair them). Cells are those of
    /// <see cref="PhenomenaOptions.Cells"/> (all when null), in that order. Evaluation mode, no gradients.
    /// </summary>
    /// <exception cref="ArgumentException">The movie's frame size differs from the model's, it is no longer than the
    /// history, or a cell index is out of range.</exception>
    public static double[][] Of(RetinaModel model, StimulusInput input, torch.Tensor movie, PhenomenaOptions options)
    {
        var spec = model.Spec;
        if (movie.dim() != 3 || movie.shape[1] != spec.Height || movie.shape[2] != spec.Width)
            throw new ArgumentException($"The stimulus is [{string.Join(", ", movie.shape)}]; {model.GetName()} takes (T, {spec.Height}, {spec.Width}).", nameof(movie));
        if (movie.shape[0] <= spec.History)
            throw new ArgumentException($"The stimulus has {movie.shape[0]} frames; the model needs more than its history ({spec.History}).", nameof(movie));
        var cells = Cells(model, options);
        using var scope = torch.NewDisposeScope();
        var adapted = input.ToModel(movie);
        var rates = LayerProbe.Responses(model, adapted, cells.Select(UnitAddress.OutputCell).ToList(), options.BatchSize)
            .to(torch.float64).t().contiguous();
        var flat = rates.data<double>().ToArray();
        int k = (int)rates.shape[1];
        return Enumerable.Range(0, cells.Count).Select(c => flat.AsSpan(c * k, k).ToArray()).ToArray();
    }

    /// <summary>The cells a run measures: <see cref="PhenomenaOptions.Cells"/>, checked, or all the model's.</summary>
    public static IReadOnlyList<int> Cells(RetinaModel model, PhenomenaOptions options)
    {
        int n = model.Spec.Cells;
        var cells = options.Cells ?? Enumerable.Range(0, n).ToList();
        foreach (int c in cells)
            if (c < 0 || c >= n) throw new ArgumentException($"Cell {c} is out of range: {model.GetName()} has {n} cells.", nameof(options));
        if (cells.Count == 0) throw new ArgumentException("Measure at least one cell.", nameof(options));
        return cells;
    }

    /// <summary>The mean over cells at each time: <c>[k]</c>.</summary>
    public static double[] MeanOverCells(double[][] rates) =>
        Enumerable.Range(0, rates[0].Length).Select(k => rates.Average(r => r[k])).ToArray();
}
