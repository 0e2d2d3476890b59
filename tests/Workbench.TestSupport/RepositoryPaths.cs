namespace Workbench.TestSupport;

/// <summary>Paths inside the clone the tests run from.</summary>
public static class RepositoryPaths
{
    /// <summary>The clone's root (the folder holding Workbench.sln), found upward from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration the tests were built with (Debug or Release), read from their own path.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Parent!.Name;

    /// <summary>A path below the root.</summary>
    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Workbench.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No Workbench.sln above {AppContext.BaseDirectory}.");
    }
}
