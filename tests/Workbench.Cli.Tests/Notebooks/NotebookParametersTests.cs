using Workbench.Cli.Notebooks;
using Workbench.TestSupport;
using static Workbench.Cli.Tests.Support.TestNotebook;

namespace Workbench.Cli.Tests.Notebooks;

public class NotebookParametersTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Parameters = """
        enum Mode { Fast, Careful }
        var quick = false;
        int epochs = 50;
        long seed = 1;
        double rate = 0.5;
        float gain = 2f;
        string path = "data/default.h5";
        Mode mode = Mode.Careful;
        int? limit = 10;
        """;

    private const string Report = "$\"{quick}|{epochs}|{seed}|{rate}|{gain}|{path}|{mode}|{limit?.ToString() ?? \"none\"}\"";

    [Fact]
    public void Defaults_RunUnchanged_WithNoInjectedCell()
    {
        var run = Run(_dir.Path, Code(Parameters, "parameters"), Code(Report));

        Assert.Equal(2, run.Cells.Count);
        Assert.Equal("result:False|50|1|0.5|2|data/default.h5|Careful|10", Text(run.Cells[1]));
    }

    [Fact]
    public void Overrides_OfEveryType_AreInjectedRightAfterTheParametersCell()
    {
        var overrides = NotebookParameters.ParseOverrides(
            ["epochs=3", "seed=9000000000", "rate=1e-3", "gain=0.25", "path=C:\\odd \"name\".h5", "mode=fast", "limit=null"], quick: true);

        var run = Run(_dir.Path, overrides, Markdown("# title"), Code(Parameters, "parameters"), Code(Report));

        Assert.True(run.Succeeded, string.Join("\n", run.Cells.Select(c => Text(c))));
        Assert.Equal([CellStatus.NotCode, CellStatus.Succeeded, CellStatus.Succeeded, CellStatus.Succeeded], run.Cells.Select(c => c.Status));
        var injected = run.Cells[2];
        Assert.True(injected.Injected);
        Assert.Contains(NotebookParameters.InjectedTag, injected.Cell.Tags);
        Assert.Contains("quick = true;", injected.Cell.Source);
        Assert.Equal([1, 2, 3], run.Cells.Skip(1).Select(c => c.ExecutionCount!.Value));
        Assert.Equal("result:True|3|9000000000|0.001|0.25|C:\\odd \"name\".h5|Fast|none", Text(run.Cells[3]));
    }

    [Fact]
    public void UnknownParameter_IsBadInput_ListingTheDeclaredOnes_BeforeAnythingRuns()
    {
        string marker = Path.Combine(_dir.Path, "ran.txt");
        var e = Assert.Throws<NotebookInputException>(() => Run(_dir.Path,
            NotebookParameters.ParseOverrides(["epochz=3"], quick: false),
            Code($"System.IO.File.WriteAllText(@\"{marker}\", \"x\");"), Code(Parameters, "parameters")));

        Assert.Contains("--param epochz", e.Message);
        Assert.Contains("quick, epochs, seed, rate, gain, path, mode, limit", e.Message);
        Assert.False(File.Exists(marker));
    }

    [Theory]
    [InlineData("epochs=many", "not a whole number")]
    [InlineData("quick=maybe", "not true or false")]
    [InlineData("mode=Reckless", "one of Fast, Careful")]
    [InlineData("rate=NaN", "not a finite number")]
    public void ValuesThatDoNotFitTheType_AreBadInput(string assignment, string expected)
    {
        var e = Assert.Throws<NotebookInputException>(() => Run(_dir.Path,
            NotebookParameters.ParseOverrides([assignment], quick: false), Code(Parameters, "parameters")));

        Assert.Contains($"--param {assignment}", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Overrides_WithoutAParametersCell_AreBadInput()
    {
        var e = Assert.Throws<NotebookInputException>(() => Run(_dir.Path,
            NotebookParameters.ParseOverrides([], quick: true), Code("var quick = false;")));

        Assert.Contains("no code cell tagged 'parameters'", e.Message);
    }

    [Theory]
    [InlineData("novalue")]
    [InlineData("=3")]
    [InlineData("two words=1")]
    public void MalformedAssignments_AreBadInput(string assignment)
    {
        var e = Assert.Throws<NotebookInputException>(() => NotebookParameters.ParseOverrides([assignment], quick: false));

        Assert.Contains($"'{assignment}'", e.Message);
    }
}
