using TorchSharp;
using Workbench.Simulation;
using Workbench.Tests.Support;

namespace Workbench.Tests.Simulation;

public class WhiteNoiseTests
{
    /// <summary>
    /// Drawing in segments must give the movie drawn whole (the same random sequence, the same encoding) for any
    /// segment size, including segments that split a held frame's run and a final partial hold.
    /// </summary>
    [Theory]
    [InlineData(WhiteNoiseKind.Binary, 1, 7)]
    [InlineData(WhiteNoiseKind.Gaussian, 3, 5)]
    [InlineData(WhiteNoiseKind.Gaussian, 3, 10_000)]
    public void StoredMovie_EqualsTheWholeMovieEncoded(WhiteNoiseKind kind, int hold, long segment)
    {
        TestTorch.Cpu();
        using var scope = torch.NewDisposeScope();
        var spec = new WhiteNoiseSpec(kind, 0.6, hold);
        const long frames = 101; // not a multiple of the hold
        var whole = StimulusEncoding.ToStored(WhiteNoise.Movie(spec, frames, 6, 5, new torch.Generator(4)));
        var segmented = WhiteNoise.StoredMovie(spec, frames, 6, 5, new torch.Generator(4), segment);
        Assert.Equal(whole.shape, segmented.shape);
        Assert.Equal(torch.uint8, segmented.dtype);
        Assert.Equal(0L, (whole.to(torch.int32) - segmented.to(torch.int32)).abs().sum().item<long>());
    }

    [Fact]
    public void StoredMovie_RejectsAnEmptySegment()
    {
        TestTorch.Cpu();
        var error = Assert.Throws<ArgumentException>(() => WhiteNoise.StoredMovie(new WhiteNoiseSpec(), 10, 2, 2, new torch.Generator(1), 0));
        Assert.Contains("segmentFrames", error.Message);
    }
}
