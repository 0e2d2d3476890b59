using System.Text.Json.Nodes;
using Workbench.Cli.Notebooks;
using Workbench.TestSupport;
using static Workbench.Cli.Tests.Support.TestNotebook;

namespace Workbench.Cli.Tests.Notebooks;

public class NotebookDocumentTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private NotebookInputException LoadFails(string content, string name = "bad.ipynb")
    {
        string path = _dir.File(name);
        File.WriteAllText(path, content);
        return Assert.Throws<NotebookInputException>(() => NotebookDocument.Load(path));
    }

    [Fact]
    public void Cells_AreReadWithKindsSourcesAndTags_FromListOrStringSources()
    {
        var code = Code("x");
        code["source"] = new JsonArray("var a = 1;\n", "a");
        string path = Write(_dir.Path, "ok", Markdown("# Hi"), code, Code("#!markdown\n**not code**"), Code("1", "parameters"));

        var doc = NotebookDocument.Load(path);

        Assert.Equal([CellKind.Markdown, CellKind.Code, CellKind.Markdown, CellKind.Code], doc.Cells.Select(c => c.Kind));
        Assert.Equal("var a = 1;\na", doc.Cells[1].Source);
        Assert.Equal(["parameters"], doc.Cells[3].Tags);
        Assert.Equal("ok", doc.Name);
    }

    [Fact]
    public void MissingFile_IsNamed() =>
        Assert.Contains("nope.ipynb: no such file", Assert.Throws<NotebookInputException>(() => NotebookDocument.Load(_dir.File("nope.ipynb"))).Message);

    [Fact]
    public void MalformedJson_IsNamed() =>
        Assert.Contains("bad.ipynb: not valid JSON", LoadFails("{ \"cells\": [ ").Message);

    [Fact]
    public void JsonThatIsNotANotebook_IsNamed() =>
        Assert.Contains("not a Jupyter notebook", LoadFails("{ \"hello\": 1 }").Message);

    [Fact]
    public void OldNbformat_IsNamed() =>
        Assert.Contains("nbformat 3 is not supported", LoadFails("{ \"cells\": [], \"nbformat\": 3 }").Message);

    [Fact]
    public void PythonNotebook_IsNotCSharp()
    {
        var json = Json(Code("print(1)"));
        json["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = "python3", ["language"] = "python" } };
        ((JsonObject)json["cells"]![0]!)["metadata"] = new JsonObject();

        var e = LoadFails(json.ToJsonString());

        Assert.Contains("cell 1 is written for the 'python' kernel", e.Message);
    }

    [Fact]
    public void FSharpCell_InAPolyglotNotebook_IsNotCSharp()
    {
        var fsharp = Code("let x = 1");
        fsharp["metadata"]!["polyglot_notebook"]!["kernelName"] = "fsharp";

        var e = LoadFails(Json(Code("var a = 1;"), fsharp).ToJsonString());

        Assert.Contains("cell 2 is written for the 'fsharp' kernel", e.Message);
    }

    [Fact]
    public void KernelChooserMagic_OverridesMetadata()
    {
        var e = LoadFails(Json(Code("#!pwsh\nGet-Date")).ToJsonString());

        Assert.Contains("'pwsh' kernel", e.Message);
    }

    [Fact]
    public void LegacyDotnetInteractiveMetadata_IsUnderstood()
    {
        var cell = Code("1");
        cell["metadata"] = new JsonObject { ["dotnet_interactive"] = new JsonObject { ["language"] = "csharp" } };
        var json = Json(cell);
        json["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = "python3" } };
        File.WriteAllText(_dir.File("legacy.ipynb"), json.ToJsonString());

        Assert.Equal(CellKind.Code, NotebookDocument.Load(_dir.File("legacy.ipynb")).Cells[0].Kind);
    }
}
