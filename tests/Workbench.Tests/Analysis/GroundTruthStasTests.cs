using TorchSharp;
using Workbench.Analysis;
using Workbench.Data;
using Workbench.Simulation;
using Workbench.Tests.Support;

namespace Workbench.Tests.Analysis;

public class GroundTruthStasTests
{
    private static GanglionCell Cell(int index, double row, double column) =>
        new(index, row, column, Polarity.On, 1, 0.5, 0, 1, 0, 10);

    /// <summary>
    /// Oracle: an "STA" built as the true field moved one tap older (the files' convention) matches it exactly (r = 1),
    /// while the same STA compared without the shift does not; the centre offset is the planted distance.
    /// </summary>
    [Fact]
    public void Compare_AlignsTheFilesLagConvention_AndMeasuresTheCentreOffset()
    {
        TestTorch.Cpu(seed: 120);
        var fields = torch.randn(2, 8, 16, 16, dtype: torch.float64);
        var stas = torch.zeros(2, 8, 16, 16, dtype: torch.float64);
        stas.narrow(1, 0, 7).copy_(fields.narrow(1, 1, 7)); // STA tap j = field tap j + 1
        stas.narrow(1, 7, 1).copy_(torch.randn(2, 1, 16, 16, dtype: torch.float64)); // the STA's last tap has no partner
        var cells = new[] { Cell(0, 8, 8), Cell(1, 2, 14) };
        var centres = new[] { new CellPosition(8, 8), new CellPosition(5, 10) };

        var aligned = GroundTruthStas.Compare(stas, centres, fields, cells, lagShift: 1, radius: 3);
        var misaligned = GroundTruthStas.Compare(stas, centres, fields, cells, lagShift: 0, radius: 3);

        Assert.Equal(7, aligned.ComparedTaps);
        Assert.Equal(7, aligned.CutoutSize);
        Assert.All(aligned.Cells, c => Assert.Equal(1.0, c.Correlation, 1e-9));
        Assert.All(misaligned.Cells, c => Assert.True(Math.Abs(c.Correlation) < 0.3, $"misaligned r {c.Correlation}"));
        Assert.Equal(0.0, aligned.Cells[0].Offset, 1e-12);
        Assert.Equal(5.0, aligned.Cells[1].Offset, 1e-12); // (3, 4, 5)
        Assert.Equal(2, aligned.Rows(Array.Empty<CellInfo>()).Count);
    }

    [Fact]
    public void Compare_RejectsMismatchedCounts()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            GroundTruthStas.Compare(torch.zeros(2, 8, 16, 16), [new CellPosition(1, 1)], torch.zeros(2, 8, 16, 16), [Cell(0, 1, 1), Cell(1, 2, 2)]));
        Assert.Contains("centres", ex.Message);
    }
}
