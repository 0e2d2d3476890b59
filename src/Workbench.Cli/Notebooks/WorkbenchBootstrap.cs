namespace Workbench.Cli.Notebooks;

/// <summary>
/// The one line a notebook loads the workbench with, <c>#load "workbench.csx"</c>. Every build of src/Workbench writes
/// that script beside the notebooks (target <c>WriteNotebookBootstrap</c> in Workbench.csproj) with absolute
/// <c>#r</c> paths into its own output folder, so the .NET Interactive kernel and dotnet-repl load whichever build ran
/// last, Debug or Release. The runner answers the same line with the assemblies it already holds.
/// </summary>
public static class WorkbenchBootstrap
{
    /// <summary>The script's file name; notebooks in notebooks/ name it relative to their own folder.</summary>
    public const string FileName = "workbench.csx";

    /// <summary>
    /// The assemblies the script references, in its order (the same list as <c>NotebookBootstrapReference</c> in
    /// Workbench.csproj; a test keeps them equal).
    /// </summary>
    public static readonly IReadOnlyList<string> Assemblies = ["Workbench.dll", "TorchSharp.dll", "Plotly.NET.dll", "Plotly.NET.CSharp.dll"];

    /// <summary>True when <paramref name="path"/> names the bootstrap script (in any folder).</summary>
    public static bool IsBootstrap(string path) =>
        string.Equals(Path.GetFileName(path), FileName, StringComparison.OrdinalIgnoreCase);
}
