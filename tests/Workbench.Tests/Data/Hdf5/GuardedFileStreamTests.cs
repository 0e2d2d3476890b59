using Workbench.Data.Hdf5;
using Workbench.TestSupport;

namespace Workbench.Tests.Data.Hdf5;

/// <summary>The stream PureHDF parses through: reads past the end fail at once, and one operation's reads are bounded.</summary>
public class GuardedFileStreamTests
{
    [Fact]
    public void AReadPastTheEnd_Fails_NamingWhereAndHowMuch()
    {
        using var dir = new TempDirectory();
        string path = dir.File("100.bin");
        File.WriteAllBytes(path, new byte[100]);
        using var stream = new GuardedFileStream(path);
        var buffer = new byte[20];

        stream.Position = 80;
        stream.ReadExactly(buffer); // exactly to the end: fine
        stream.Position = 90;
        var e = Assert.Throws<DamagedFileException>(() => stream.ReadExactly(buffer));

        Assert.Equal("The file is too small", e.Message);
        Assert.Equal("a read of 20 bytes at byte 90 goes past its end at byte 100", e.Detail);
    }

    /// <summary>Oracle: the budget's definition, 16 times the file plus 256 MB, counted in whole reads.</summary>
    [Fact]
    public void OneOperation_MayReadItsBudget_AndNoMore_UntilTheNextBegins()
    {
        using var dir = new TempDirectory();
        string path = dir.File("4096.bin");
        File.WriteAllBytes(path, new byte[4096]);
        using var stream = new GuardedFileStream(path);
        Assert.Equal(GuardedFileStream.BudgetFileMultiple * 4096 + GuardedFileStream.BudgetSlack, stream.Budget);
        var buffer = new byte[4096];
        long reads = 0;

        stream.BeginOperation();
        var e = Assert.Throws<DamagedFileException>((Action)(() =>
        {
            while (true)
            {
                stream.Position = 0;
                stream.ReadExactly(buffer);
                reads++;
            }
        }));

        Assert.Equal(stream.Budget / 4096, reads);
        Assert.Equal("The file's structure loops", e.Message);
        stream.BeginOperation();
        stream.Position = 0;
        stream.ReadExactly(buffer); // a new operation starts with a fresh budget
    }
}
