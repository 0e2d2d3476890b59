using TorchSharp;
using Workbench.Statistics;
using Workbench.Tests.Support;
using static TorchSharp.torch;

namespace Workbench.Tests.Statistics;

public class BinnedNonlinearityTests
{
    /// <summary>
    /// Oracle by hand: generator values 0…10 shuffled, responses 2g (unit 0) and g² (unit 1), 5 bins of 2: the 11th
    /// (largest) value is left out; bin b holds {2b, 2b+1}, so its centre is 2b + ½, unit 0's mean 4b + 1 with standard
    /// error √2·|2−0|/2/√2 = 1, unit 1's mean ((2b)² + (2b+1)²)/2.
    /// </summary>
    [Fact]
    public void EqualCount_BinsSortedValuesIntoEqualGroups_AndInterpolateReadsThemBack()
    {
        TestTorch.Cpu(seed: 140);
        var g = torch.arange(11, dtype: float64)[torch.randperm(11)];
        var generator = torch.stack([g, g]);
        var responses = torch.stack([2 * g, g.square()]);

        var (centres, means, errors) = BinnedNonlinearity.EqualCount(generator, responses, 5);

        for (int b = 0; b < 5; b++)
        {
            Assert.Equal(2 * b + 0.5, centres[0, b].item<double>(), 1e-12);
            Assert.Equal(4 * b + 1, means[0, b].item<double>(), 1e-12);
            Assert.Equal(1.0, errors[0, b].item<double>(), 1e-12);
            Assert.Equal((Math.Pow(2 * b, 2) + Math.Pow(2 * b + 1, 2)) / 2, means[1, b].item<double>(), 1e-12);
        }
        var at = torch.tensor(new[,] { { -3.0, 1.5, 8.5, 20 } }, float64);
        var read = BinnedNonlinearity.Interpolate(centres.narrow(0, 0, 1), means.narrow(0, 0, 1), at);
        // Halfway between the centres 0.5 and 2.5 (means 1 and 5), on the last centre, and flat beyond the outer ones.
        double[] expected = [1, 3, 17, 17], actual = read[0].data<double>().ToArray();
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], actual[i], 1e-9);
        Assert.Throws<ArgumentException>(() => BinnedNonlinearity.EqualCount(generator, responses, 12));
        Assert.Throws<ArgumentException>(() => BinnedNonlinearity.EqualCount(generator, responses.narrow(1, 0, 10), 5));
    }
}
