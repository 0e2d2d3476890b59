using Workbench.IO;
using Workbench.TestSupport;

namespace Workbench.Tests.IO;

public class AtomicFileTests
{
    [Fact]
    public void Write_ReplacesTheFileWhole_AndLeavesNoTemporaryFiles()
    {
        using var dir = new TempDirectory();
        string path = dir.File("sub/report.html");

        AtomicFile.WriteAllText(path, "first");
        AtomicFile.WriteAllText(path, "second");

        Assert.Equal("second", File.ReadAllText(path));
        Assert.Equal(["report.html"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void FailureMidWrite_KeepsThePreviousFile_AndCleansUp()
    {
        using var dir = new TempDirectory();
        string path = dir.File("checkpoint.bin");
        AtomicFile.WriteAllBytes(path, [1, 2, 3]);

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write([9, 9]);
            throw new InvalidOperationException("disk full");
        }));

        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }
}
