namespace Workbench.Data;

/// <summary>
/// Which windows train and which validate: validation is a set of contiguous blocks held out in time, and training
/// windows that share frames with a validation window are dropped (a gap of one history on each side), so no stimulus
/// frame is seen by both.
/// </summary>
/// <param name="Windows">Number of windows split.</param>
/// <param name="History">Frames per window (the width of each gap).</param>
/// <param name="Validation">The held-out blocks.</param>
/// <param name="Training">What is left for training, gaps removed.</param>
public sealed record TimeSplit(long Windows, int History, IReadOnlyList<WindowRange> Validation, IReadOnlyList<WindowRange> Training)
{
    /// <summary>Windows used for validation.</summary>
    public long ValidationCount => Validation.Sum(r => r.Length);

    /// <summary>Windows used for training.</summary>
    public long TrainingCount => Training.Sum(r => r.Length);

    /// <summary>
    /// Holds out <paramref name="fraction"/> of the windows as <paramref name="blocks"/> equal contiguous blocks, spread
    /// evenly through the recording (each centred in its own stretch), so slow drifts affect both sets alike.
    /// </summary>
    /// <exception cref="ArgumentException">The fraction or block count is out of range, or the blocks leave no training data.</exception>
    public static TimeSplit Blocks(long windows, int history, double fraction = 0.1, int blocks = 5)
    {
        if (!(fraction > 0 && fraction < 1)) throw new ArgumentException($"Validation fraction must be in (0, 1), got {fraction}.", nameof(fraction));
        if (blocks < 1) throw new ArgumentException($"Need at least one validation block, got {blocks}.", nameof(blocks));
        long blockLength = (long)Math.Round(windows * fraction / blocks);
        if (blockLength < 1)
            throw new ArgumentException($"{windows} windows are too few for {blocks} validation blocks of {fraction:P0}.", nameof(windows));
        var validation = new List<WindowRange>();
        for (int b = 0; b < blocks; b++)
        {
            double stretch = (double)windows / blocks;
            long start = (long)Math.Round(stretch * b + (stretch - blockLength) / 2);
            validation.Add(new WindowRange(start, start + blockLength));
        }
        var training = new List<WindowRange>();
        long cursor = 0;
        foreach (var v in validation)
        {
            long end = v.Start - history;
            if (end > cursor) training.Add(new WindowRange(cursor, end));
            cursor = v.End + history;
        }
        if (cursor < windows) training.Add(new WindowRange(cursor, windows));
        var split = new TimeSplit(windows, history, validation, training);
        if (split.TrainingCount == 0)
            throw new ArgumentException($"{windows} windows leave nothing to train on after {blocks} validation blocks and their gaps of {history}.");
        return split;
    }
}
