namespace Workbench.Data;

/// <summary>Orders window indices into batches: shuffled for training (seeded), in order for evaluation.</summary>
public static class WindowBatches
{
    /// <summary>Every window of <paramref name="ranges"/> once, in a random order fixed by <paramref name="seed"/>, in batches.</summary>
    public static IEnumerable<long[]> Shuffled(IReadOnlyList<WindowRange> ranges, int batchSize, int seed, bool dropLast = false)
    {
        long[] all = Flatten(ranges);
        new Random(seed).Shuffle(all);
        return Chunk(all, batchSize, dropLast);
    }

    /// <summary>Every window of <paramref name="ranges"/> once, in time order, in batches.</summary>
    public static IEnumerable<long[]> InOrder(IReadOnlyList<WindowRange> ranges, int batchSize) => Chunk(Flatten(ranges), batchSize, dropLast: false);

    private static long[] Flatten(IReadOnlyList<WindowRange> ranges)
    {
        var all = new long[ranges.Sum(r => r.Length)];
        long k = 0;
        foreach (var r in ranges)
            for (long i = r.Start; i < r.End; i++) all[k++] = i;
        return all;
    }

    private static IEnumerable<long[]> Chunk(long[] all, int batchSize, bool dropLast)
    {
        if (batchSize < 1) throw new ArgumentException($"Batch size must be positive, got {batchSize}.", nameof(batchSize));
        for (long start = 0; start < all.LongLength; start += batchSize)
        {
            long n = Math.Min(batchSize, all.LongLength - start);
            if (n < batchSize && dropLast) yield break;
            yield return all.AsSpan((int)start, (int)n).ToArray();
        }
    }
}
