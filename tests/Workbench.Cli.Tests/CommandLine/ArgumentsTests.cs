using Workbench.Cli.CommandLine;

namespace Workbench.Cli.Tests.CommandLine;

public class ArgumentsTests
{
    [Fact]
    public void Parses_PositionalsFlagsOptionsAndRepeats()
    {
        var a = new Arguments(["nb.ipynb", "--quick", "--out", "dir", "--param", "a=1", "--param=b=2", "--", "--literal"],
            "notebook run", ["quick"], ["out", "param"]);

        Assert.Equal(["nb.ipynb", "--literal"], a.Positionals);
        Assert.True(a.Flag("quick"));
        Assert.Equal("dir", a.Option("out"));
        Assert.Equal(["a=1", "b=2"], a.All("param"));
        Assert.Null(a.Option("missing"));
    }

    [Theory]
    [InlineData("--nope", "unknown option --nope")]
    [InlineData("--out", "--out needs a value")]
    [InlineData("--quick=yes", "unknown option --quick")]
    public void Rejects_WhatTheCommandDoesNotTake(string arg, string expected)
    {
        var e = Assert.Throws<UsageException>(() => new Arguments([arg], "x", ["quick"], ["out"]));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Int_RejectsNonNumbers()
    {
        var a = new Arguments(["--epochs", "ten"], "train", [], ["epochs"]);

        Assert.Contains("--epochs ten", Assert.Throws<UsageException>(() => a.Int("epochs")).Message);
    }
}
