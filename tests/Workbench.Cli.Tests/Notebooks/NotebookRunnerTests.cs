using Workbench.Cli.Notebooks;
using Workbench.Cli.Tests.Support;
using Workbench.Display;
using Workbench.TestSupport;
using static Workbench.Cli.Tests.Support.TestNotebook;

namespace Workbench.Cli.Tests.Notebooks;

public class NotebookRunnerTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void State_CarriesAcrossCells_VariablesTypesAndMethods()
    {
        var run = Run(_dir.Path,
            Code("var x = 20;\nclass Counter { public int N; }\nint Twice(int v) => 2 * v;"),
            Markdown("# between"),
            Code("var c = new Counter { N = x + 1 };\nTwice(c.N)"));

        Assert.True(run.Succeeded);
        Assert.Equal([CellStatus.Succeeded, CellStatus.NotCode, CellStatus.Succeeded], run.Cells.Select(c => c.Status));
        Assert.Equal([1, null, 2], run.Cells.Select(c => c.ExecutionCount));
        Assert.Equal("result:42", Text(run.Cells[2]));
    }

    [Fact]
    public void Console_BecomesStreams_InOrder_WithConsecutiveWritesJoined()
    {
        var run = Run(_dir.Path, Code("Console.Write(\"a\");\nConsole.WriteLine(\"b\");\nConsole.Error.WriteLine(\"warn\");\nConsole.WriteLine(\"c\");"));

        Assert.Equal("stdout:ab\n|stderr:warn\n|stdout:c\n", Text(run.Cells[0]));
    }

    [Fact]
    public void Display_AndTrailingExpression_AreCaptured_AsDisplayDataAndResult()
    {
        var run = Run(_dir.Path, Code("display(\"first\");\ndisplay(6 * 7);\nvar h = display(\"old\");\nh.Update(\"new\");\n\"last\""));

        Assert.Equal("display:first|display:42|display:new|result:last", Text(run.Cells[0]));
    }

    [Fact]
    public void VoidOrNullTrailingExpressions_ProduceNoResult()
    {
        var run = Run(_dir.Path, Code("Console.WriteLine(\"x\")"), Code("string s = null;\ns"), Code("var y = 1;"));

        Assert.Equal("stdout:x\n", Text(run.Cells[0]));
        Assert.Empty(run.Cells[1].Outputs);
        Assert.Empty(run.Cells[2].Outputs);
    }

    [Fact]
    public void Objects_RenderAsHtmlAndText()
    {
        var run = Run(_dir.Path, Code("record Point(int X, int Y);\nnew Point(3, 4)"));

        var result = Assert.IsType<DisplayOutput>(Assert.Single(run.Cells[0].Outputs));
        Assert.Contains("<table", result.Data["text/html"]);
        Assert.Contains("X", result.Data["text/plain"]);
        Assert.Contains("4", result.Data["text/plain"]);
    }

    [Fact]
    public void Charts_RenderAsInteractiveHtml_WithoutACopyOfPlotlyJs()
    {
        var run = Run(_dir.Path, Code(
            "#r \"nuget: Plotly.NET.CSharp, 0.14.0\"\n#r \"nuget: Plotly.NET\"\nusing Plotly.NET.CSharp;\n" +
            "Chart.Line<double, double, string>(new[] { 1.0, 2.0 }, new[] { 3.0, 5.0 }, Name: \"line\")"));

        Assert.True(run.Succeeded, Text(run.Cells[0]));
        var result = Assert.IsType<DisplayOutput>(Assert.Single(run.Cells[0].Outputs));
        Assert.Contains(ChartHtml.Marker, result.Data["text/html"]);
        Assert.Contains("Plotly.newPlot", result.Data["text/html"]);
        Assert.DoesNotContain("plotly.js v", result.Data["text/html"]);
        Assert.Equal("Plotly chart (1 trace: scatter)", result.Data["text/plain"]);
    }

    [Fact]
    public void FailingCell_StopsTheRun_WithItsErrorAndLaterCellsSkipped()
    {
        var run = Run(_dir.Path,
            Code("Console.WriteLine(\"before\");"),
            Code("Console.WriteLine(\"partial\");\nthrow new InvalidOperationException(\"boom\");"),
            Code("Console.WriteLine(\"never\");"));

        Assert.False(run.Succeeded);
        Assert.Equal([CellStatus.Succeeded, CellStatus.Failed, CellStatus.Skipped], run.Cells.Select(c => c.Status));
        Assert.Equal(2, run.FailedCell!.Cell.Number);
        var error = Assert.IsType<ErrorOutput>(run.Cells[1].Outputs[^1]);
        Assert.Equal("InvalidOperationException", error.Name);
        Assert.Equal("boom", error.Value);
        Assert.Contains(error.Traceback, l => l.Contains("test.ipynb:cell 2:line 2"));
        Assert.Equal("stdout:partial\n", Text(run.Cells[1]).Split('|')[0]);
        Assert.Empty(run.Cells[2].Outputs);
        Assert.Null(run.Cells[2].ExecutionCount);
    }

    [Fact]
    public void CompilationErrors_NameTheLineOfTheCell_EvenAfterDirectiveLines()
    {
        var run = Run(_dir.Path, Code("#!csharp\n#r \"nuget: Plotly.NET\"\nint n = \"text\";"));

        var error = Assert.IsType<ErrorOutput>(Assert.Single(run.Cells[0].Outputs));
        Assert.Equal("CompilationError", error.Name);
        Assert.StartsWith("line 3, column 9: error CS0029", Assert.Single(error.Traceback));
    }

    [Fact]
    public void Namespaces_FailWithAHint()
    {
        var run = Run(_dir.Path, Code("namespace Foo { class A { } }"));

        var error = Assert.IsType<ErrorOutput>(Assert.Single(run.Cells[0].Outputs));
        Assert.Contains("CS7021", error.Value);
        Assert.Contains("without a namespace", error.Value);
    }

    [Fact]
    public void NuGetReference_ToACarriedPackage_WithAnotherVersion_UsesOursAndSaysSo()
    {
        var run = Run(_dir.Path, Code("#r \"nuget: TorchSharp, 0.99.0\"\nusing TorchSharp;\ntorch.ones(3).sum().item<float>()"));

        Assert.True(run.Succeeded, Text(run.Cells[0]));
        Assert.Contains("stderr:cell 1, line 1: 'TorchSharp' 0.99.0 was requested; the workbench carries 0.107.0", Text(run.Cells[0]));
        Assert.EndsWith("result:3", Text(run.Cells[0]));
    }

    [Fact]
    public void NuGetReference_ToATorchSharpBundle_IsAnsweredByTorchSharp()
    {
        var run = Run(_dir.Path, Code("#r \"nuget: TorchSharp-cpu\"\nTorchSharp.torch.zeros(2).shape.Length"));

        Assert.True(run.Succeeded, Text(run.Cells[0]));
        Assert.Contains("'TorchSharp-cpu' is provided by the workbench's TorchSharp 0.107.0", Text(run.Cells[0]));
    }

    [Fact]
    public void NuGetReference_ToAnUnknownPackage_IsBadInput_NamingIt_BeforeAnythingRuns()
    {
        string marker = Path.Combine(_dir.Path, "ran.txt");
        var e = Assert.Throws<NotebookInputException>(() => Run(_dir.Path,
            Code($"System.IO.File.WriteAllText(@\"{marker}\", \"x\");"),
            Code("#r \"nuget: Contoso.NoSuchPackage, 1.0.0\"")));

        Assert.Contains("cell 2, line 1", e.Message);
        Assert.Contains("'Contoso.NoSuchPackage'", e.Message);
        Assert.Contains("Plotly.NET", e.Message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void PathReference_ToTheWorkbenchBuildOutput_UsesTheLoadedAssembly_NeverASecondCopy()
    {
        var run = Run(_dir.Path, Code(
            "#r \"../some/other/build/Debug/net10.0/Workbench.dll\"\n" +
            "System.AppDomain.CurrentDomain.GetAssemblies().Count(a => a.GetName().Name == \"Workbench\") + \":\" + " +
            "typeof(Workbench.Runtime.TorchRuntime).Assembly.Location"));

        Assert.True(run.Succeeded, Text(run.Cells[0]));
        string expected = $"result:1:{typeof(Workbench.Runtime.TorchRuntime).Assembly.Location}";
        Assert.Equal(expected, Text(run.Cells[0]));
    }

    [Fact]
    public void PathReference_ToAMissingFile_IsBadInput_NamingThePath()
    {
        var e = Assert.Throws<NotebookInputException>(() => Run(_dir.Path, Code("#r \"lib/Contoso.Missing.dll\"")));

        Assert.Contains("cell 1, line 1", e.Message);
        Assert.Contains(Path.Combine(_dir.Path, "lib", "Contoso.Missing.dll"), e.Message);
    }

    [Theory]
    [InlineData("#!set --name x --value 1", "#!set")]
    [InlineData("#!import other.ipynb", "#!import")]
    [InlineData("#!javascript", "#!javascript")]
    public void UnsupportedMagics_AreBadInput_NamingThem(string magic, string named)
    {
        var e = Assert.Throws<NotebookInputException>(() => Run(_dir.Path, Code(magic + "\nvar a = 1;")));

        Assert.Contains($"'{named}'", e.Message);
        Assert.Contains("cell 1, line 1", e.Message);
    }

    [Fact]
    public void SupportedMagics_TimeAndWhos()
    {
        var run = Run(_dir.Path, Code("#!time\nvar answer = 42;"), Code("#!whos"));

        Assert.Matches(@"^stdout:Wall time: \d+\.\dms\n$", Text(run.Cells[0]));
        Assert.Contains("answer: Int32 = 42", Text(run.Cells[1]));
    }

    [Fact]
    public void PackageSourceDirective_IsIgnoredWithANote()
    {
        var run = Run(_dir.Path, Code("#i \"nuget: https://example.org/feed\"\n1 + 1"));

        Assert.StartsWith("stderr:cell 1, line 1: '#i \"nuget: https://example.org/feed\"' ignored", Text(run.Cells[0]));
    }
}
