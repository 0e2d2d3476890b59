using Workbench.Runtime;
using Workbench.Tests.Support;
using static TorchSharp.torch;

namespace Workbench.Tests.Runtime;

/// <summary>
/// The FFT convolution computes what a float64 direct convolution computes — forward, weight, bias and input gradients —
/// on the shapes the models use, and the sliding (whole-movie) form equals the convolution of every window.
/// </summary>
public class FftConvolutionTests
{
    /// <summary>Relative error accepted for float32 transforms against float64 direct sums (measured ~3e-7).</summary>
    private const double Tolerance = 1e-5;

    public static TheoryData<int, int, int, int, int, int, int> Cases() => new()
    {
        { 2, 40, 8, 15, 15, 50, 50 },  // BN-CNN layer 1 (the shape the FFT route is for)
        { 2, 8, 8, 11, 11, 36, 36 },   // layer 2
        { 3, 5, 4, 5, 7, 17, 20 },     // rectangular kernel on an odd, non-square input
        { 1, 3, 2, 1, 1, 6, 9 },       // 1x1 kernel
        { 2, 4, 3, 9, 9, 9, 9 },       // kernel as large as the input: one output pixel
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Conv2d_MatchesFloat64_ForwardAndAllGradients(int batch, int inChannels, int outChannels, int kh, int kw, int h, int w)
    {
        TestTorch.Cpu(seed: 151);
        using var scope = NewDisposeScope();
        // A transposed view as input: the route must not assume contiguous memory.
        var x = randn(batch, inChannels, w, h).transpose(2, 3).requires_grad_(true);
        var k = (randn(outChannels, inChannels, kh, kw) / Math.Sqrt(inChannels * kh * kw)).requires_grad_(true);
        var b = randn(outChannels).requires_grad_(true);
        var g = randn(batch, outChannels, h - kh + 1, w - kw + 1);

        var y = FftConvolution.Conv2d(x, k, b);
        y.backward([g]);
        var (x64, k64, b64) = (Leaf(x), Leaf(k), Leaf(b));
        var y64 = nn.functional.conv2d(x64, k64, b64);
        y64.backward([g.to(float64)]);

        Assert.Equal(ScalarType.Float32, y.dtype);
        Assert.Equal(y64.shape, y.shape);
        AssertClose(y, y64, "forward");
        AssertClose(x.grad!, x64.grad!, "input gradient");
        AssertClose(k.grad!, k64.grad!, "weight gradient");
        AssertClose(b.grad!, b64.grad!, "bias gradient");
    }

    [Fact]
    public void Conv2d_WithFrozenInput_ComputesNoInputGradient()
    {
        TestTorch.Cpu(seed: 152);
        using var scope = NewDisposeScope();
        var x = randn(2, 6, 20, 20);
        var k = randn(3, 6, 7, 7).requires_grad_(true);

        FftConvolution.Conv2d(x, k).square().sum().backward();

        Assert.True(x.grad is null || x.grad.IsInvalid);
        var k64 = Leaf(k);
        nn.functional.conv2d(x.to(float64), k64).square().sum().backward();
        AssertClose(k.grad!, k64.grad!, "weight gradient");
    }

    [Theory]
    [InlineData(60, 10, 3, 5, 6, 20, 22)]  // many windows; time padded to a smooth length
    [InlineData(40, 40, 8, 15, 15, 50, 50)] // one window of the BN-CNN's first layer
    [InlineData(48, 40, 2, 3, 3, 8, 8)]     // 9 windows of 40 frames
    public void Sliding_EqualsTheConvolutionOfEveryWindow(int frames, int depth, int outChannels, int kh, int kw, int h, int w)
    {
        TestTorch.Cpu(seed: 153);
        using var scope = NewDisposeScope();
        var movie = randn(frames, h, w);
        var k = randn(outChannels, depth, kh, kw) / Math.Sqrt(depth * kh * kw);
        var b = randn(outChannels);

        var y = FftConvolution.Sliding(movie, k, b);

        // Oracle: every window gathered and convolved in float64 by libtorch's direct kernel.
        long count = frames - depth + 1;
        var windows = movie.to(float64).unfold(0, depth, 1).permute(0, 3, 1, 2); // (count, depth, h, w)
        var expected = nn.functional.conv2d(windows, k.to(float64), b.to(float64));
        Assert.Equal(new long[] { count, outChannels, h - kh + 1, w - kw + 1 }, y.shape);
        AssertClose(y, expected, "sliding");
    }

    /// <summary>Windows gathered as frame spectra (each frame transformed once) convolve as the windows gathered as pixels:
    /// forward, weight and bias gradients against float64 direct convolutions, with and without zero padding.</summary>
    [Theory]
    [InlineData(0, 40, 8, 15, 32, 32)]  // the tiny preset's first layer
    [InlineData(0, 6, 3, 5, 12, 9)]     // odd width, small kernel
    [InlineData(2, 10, 4, 7, 16, 16)]   // a padded first layer
    public void Conv2dOfFrameSpectra_EqualsTheConvolutionOfTheGatheredWindows(int padding, int depth, int outChannels, int kernel, int h, int w)
    {
        TestTorch.Cpu(seed: 154);
        using var scope = NewDisposeScope();
        var movie = randn(200, h, w);
        long[] starts = [0, 17, 3, 160 - depth + 40, 99, 17];   // repeats and the last window included
        var k = (randn(outChannels, depth, kernel, kernel) / Math.Sqrt(depth * kernel * kernel)).requires_grad_(true);
        var b = randn(outChannels).requires_grad_(true);
        using var spectra = new FrameSpectra(movie, padding);
        var g = randn(starts.Length, outChannels, h + 2 * padding - kernel + 1, w + 2 * padding - kernel + 1);

        var y = FftConvolution.Conv2dOfSpectra(spectra.Windows(starts, depth), k, b, spectra.Height, spectra.Width);
        y.backward([g]);

        // Oracle: the windows' frames gathered, zero-padded, and convolved in float64 by libtorch's direct kernel.
        var windows = stack(starts.Select(s => movie.narrow(0, s, depth)).ToArray()).to(float64);
        if (padding > 0) windows = nn.functional.pad(windows, [padding, padding, padding, padding]);
        var (k64, b64) = (Leaf(k), Leaf(b));
        var y64 = nn.functional.conv2d(windows, k64, b64);
        y64.backward([g.to(float64)]);
        Assert.Equal(y64.shape, y.shape);
        AssertClose(y, y64, "forward");
        AssertClose(k.grad!, k64.grad!, "weight gradient");
        AssertClose(b.grad!, b64.grad!, "bias gradient");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void FrameSpectra_TransformedInChunks_EqualTheWholeMovieTransformed(int padding)
    {
        TestTorch.Cpu(seed: 155);
        using var scope = NewDisposeScope();
        var movie = randn(103, 10, 7);
        using var whole = new FrameSpectra(movie, padding);
        // Chunks of 10 frames: ten of them and a short last one.
        using var chunked = new FrameSpectra(movie, padding, FrameSpectra.BytesFor(10, 10 + 2 * padding, 7 + 2 * padding));
        Assert.Equal(new long[] { whole.Frequencies * 2, 103 }, chunked.Spectra.shape);
        Assert.Equal(0f, (whole.Spectra - chunked.Spectra).abs().max().item<float>());
        // And the whole movie's are rfft2's of each frame.
        var frame = padding > 0 ? nn.functional.pad(movie[57], [padding, padding, padding, padding]) : movie[57];
        var expected = view_as_real(fft.rfft2(frame.to(float64))).flatten();
        AssertClose(whole.Spectra.select(1, 57), expected, "frame 57's spectrum");
    }

    [Fact]
    public void FrameSpectra_RefuseWindowsOutsideTheMovie_AndSpectraOfTheWrongShape()
    {
        using var scope = NewDisposeScope();
        using var spectra = new FrameSpectra(zeros(50, 8, 8));
        var outside = Assert.Throws<ArgumentOutOfRangeException>(() => spectra.Windows([0, 45], 6));
        Assert.Contains("from frame 45 is not inside the movie's 50 frames", outside.Message);
        var shape = Assert.Throws<ArgumentException>(() => FftConvolution.Conv2dOfSpectra(spectra.Windows([0], 6), zeros(2, 5, 3, 3), null, 8, 8));
        Assert.Contains("got spectra [40, 2, 1, 6] and weight [2, 5, 3, 3]", shape.Message);
        Assert.Throws<ArgumentException>(() => new FrameSpectra(zeros(5, 8)));
    }

    [Fact]
    public void Sliding_RejectsAMovieShorterThanOneWindow()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => FftConvolution.Sliding(zeros(5, 8, 8), zeros(2, 6, 3, 3)));
        Assert.Contains("5 frames hold no window of 6 frames", error.Message);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 8)]
    [InlineData(167, 180)]
    [InlineData(1000, 1000)]
    [InlineData(1001, 1024)]
    public void SmoothLength_IsTheNextProductOfTwosThreesAndFives(long n, long expected) =>
        Assert.Equal(expected, FftConvolution.SmoothLength(n));

    [Fact]
    public void Auto_PicksTheFftForLargeKernelsOnLargeMaps_AndDirectForSmallOnes()
    {
        Assert.True(Convolutions.PrefersFft([64, 40, 50, 50], [8, 40, 15, 15]));  // BN-CNN layer 1 (ratio 31)
        Assert.True(Convolutions.PrefersFft([64, 8, 36, 36], [8, 8, 11, 11]));    // layer 2 (ratio 13)
        Assert.True(Convolutions.PrefersFft([64, 40, 32, 32], [8, 40, 15, 15]));  // tiny preset, layer 1 (ratio 20)
        Assert.False(Convolutions.PrefersFft([64, 8, 18, 18], [8, 8, 11, 11]));   // tiny preset, layer 2 (ratio 5.5)
        Assert.False(Convolutions.PrefersFft([64, 8, 50, 50], [8, 8, 3, 3]));     // stacked 3x3 convolutions
    }

    private static Tensor Leaf(Tensor t) => t.detach().to(float64).requires_grad_(true);

    private static void AssertClose(Tensor actual, Tensor expected, string what)
    {
        double error = ((actual.to(float64) - expected).abs().max() / expected.abs().max()).item<double>();
        Assert.True(error < Tolerance, $"{what}: relative error {error}");
    }
}
