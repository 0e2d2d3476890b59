using TorchSharp;
using Workbench.Tests.Support;
using Workbench.Training;

namespace Workbench.Tests.Training;

/// <summary>
/// The output-activity penalty is a mean, not a sum: the same weight means the same thing for any batch size and any
/// number of cells (a shared core's recordings differ in both), and it equals the reference's 1e-4 on the sum over cells
/// for its 5 cells.
/// </summary>
public class OutputL1Tests
{
    [Fact]
    public void OutputL1_IsAMeanOverBatchAndCells()
    {
        TestTorch.Cpu(seed: 140);
        using var rates = torch.rand(8, 5, dtype: torch.float64) * 20;
        double expected = 5e-4 * rates.abs().sum().item<double>() / 40;                // by hand: 40 rates
        Assert.Equal(expected, Losses.OutputL1(rates, 5e-4).item<double>(), 1e-12);
        // The reference's penalty (1e-4 × the sum over cells, averaged over the batch) for its 5 cells.
        Assert.Equal(1e-4 * rates.sum().item<double>() / 8, Losses.OutputL1(rates, new TrainingOptions().L1).item<double>(), 1e-12);
        // Twice the cells, or twice the batch, with the same rates: the same penalty.
        using var moreCells = torch.cat([rates, rates], 1);
        using var moreBatch = torch.cat([rates, rates], 0);
        Assert.Equal(expected, Losses.OutputL1(moreCells, 5e-4).item<double>(), 1e-12);
        Assert.Equal(expected, Losses.OutputL1(moreBatch, 5e-4).item<double>(), 1e-12);
    }
}
