using Workbench.Data;

namespace Workbench.Tests.Data;

public class WindowBatchesTests
{
    private static readonly WindowRange[] Ranges = [new(0, 30), new(50, 77)];

    [Fact]
    public void Shuffled_CoversEveryWindowOnce_ReproduciblyForASeed()
    {
        var a = WindowBatches.Shuffled(Ranges, 8, seed: 3).ToList();
        var b = WindowBatches.Shuffled(Ranges, 8, seed: 3).ToList();
        var c = WindowBatches.Shuffled(Ranges, 8, seed: 4).ToList();

        Assert.Equal(Enumerable.Range(0, 30).Concat(Enumerable.Range(50, 27)).Select(i => (long)i), a.SelectMany(x => x).Order());
        Assert.Equal(a.SelectMany(x => x), b.SelectMany(x => x));
        Assert.NotEqual(a.SelectMany(x => x), c.SelectMany(x => x));
        Assert.Equal([8, 8, 8, 8, 8, 8, 8, 1], a.Select(x => x.Length));
    }

    [Fact]
    public void DropLast_DropsTheShortBatch_InOrderKeepsTimeOrder()
    {
        Assert.Equal(7, WindowBatches.Shuffled(Ranges, 8, seed: 1, dropLast: true).Count());
        Assert.Equal([0L, 1, 2], WindowBatches.InOrder(Ranges, 3).First());
        Assert.Equal([74L, 75, 76], WindowBatches.InOrder(Ranges, 3).Last());
    }
}
