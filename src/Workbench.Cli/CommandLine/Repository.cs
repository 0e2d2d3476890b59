using Workbench.Cli.Notebooks;

namespace Workbench.Cli.CommandLine;

/// <summary>Finds the workbench clone (the folder with Workbench.sln and notebooks/) that commands such as quickstart work in.</summary>
public static class Repository
{
    /// <summary>The clone's root: searched upward from the current folder, then from where this program lives.</summary>
    /// <exception cref="NotebookInputException">Neither lies inside a clone.</exception>
    public static string Root()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Workbench.sln")) && Directory.Exists(Path.Combine(dir.FullName, "notebooks")))
                    return dir.FullName;
        throw new NotebookInputException(
            $"Cannot find the workbench clone (a folder with Workbench.sln and notebooks/) above {Environment.CurrentDirectory}; run this from inside the clone.");
    }
}
