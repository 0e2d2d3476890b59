using System.Text.RegularExpressions;
using Workbench.TestSupport;

namespace Workbench.Tests.Architecture;

/// <summary>
/// The library's folders depend one way (issue 12, "order in the house"): analyses sit on top of data, statistics and
/// models, never the reverse, so a model or the trainer can never be broken by an analysis change, and model-free
/// statistics live where both can use them (<c>Statistics/</c>).
/// </summary>
public class LayeringTests
{
    /// <summary>Folder → the library folders (namespaces) its sources must not use.</summary>
    private static readonly Dictionary<string, string[]> Forbidden = new()
    {
        ["Data"] = ["Statistics", "Models", "Training", "Analysis", "Phenomena", "Plots", "Display"],
        ["Simulation"] = ["Statistics", "Models", "Training", "Analysis", "Phenomena", "Plots", "Display"],
        ["Stimuli"] = ["Data", "Simulation", "Statistics", "Models", "Training", "Analysis", "Phenomena", "Plots", "Display"],
        ["Statistics"] = ["Models", "Training", "Analysis", "Phenomena", "Plots", "Display"],
        ["Metrics"] = ["Models", "Training", "Analysis", "Phenomena", "Plots", "Display"],
        ["Models"] = ["Training", "Analysis", "Phenomena", "Plots", "Display"],
        ["Training"] = ["Analysis", "Phenomena", "Plots", "Display"],
        ["Analysis"] = ["Phenomena"],
        // The phenomena battery sits on data, simulation, stimuli, statistics, models and analyses; figures and display sit on it.
        ["Phenomena"] = ["Training", "Plots", "Display"],
    };

    /// <summary>
    /// Oracle: the source text. A use is a <c>using Workbench.X</c> directive or a qualified <c>Workbench.X</c> name outside
    /// <c>//</c> comments (a bare <c>X.Type</c> inside the Workbench namespace is not caught: a text scan cannot tell it
    /// from a property named X without semantic analysis, and the codebase imports namespaces with <c>using</c>).
    /// </summary>
    [Fact]
    public void LowerFolders_DoNotUseTheFoldersAboveThem()
    {
        var violations = new List<string>();
        foreach (var (folder, forbidden) in Forbidden)
        {
            string dir = RepositoryPaths.Of("src", "Workbench", folder);
            Assert.True(Directory.Exists(dir), $"{dir} is missing: update the layering table.");
            var pattern = new Regex($@"\bWorkbench\.(?:{string.Join("|", forbidden)})\b");
            foreach (string file in Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories))
            {
                var lines = File.ReadAllLines(file);
                for (int i = 0; i < lines.Length; i++)
                {
                    string code = lines[i].TrimStart().StartsWith("//", StringComparison.Ordinal) && !lines[i].TrimStart().StartsWith("///", StringComparison.Ordinal)
                        ? "" : lines[i];
                    if (pattern.IsMatch(code))
                        violations.Add($"{Path.GetRelativePath(RepositoryPaths.Root, file)}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }
        Assert.True(violations.Count == 0, "Lower folders use higher ones:\n" + string.Join("\n", violations));
    }
}
