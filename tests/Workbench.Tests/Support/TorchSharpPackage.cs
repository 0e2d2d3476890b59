using System.Reflection;

namespace Workbench.Tests.Support;

/// <summary>Finds the pristine files of the TorchSharp package in the NuGet cache (read, never written, by tests).</summary>
internal static class TorchSharpPackage
{
    public static string Version =>
        typeof(TorchSharp.torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    public static string OriginalNativeLibrary()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(root, "torchsharp", Version, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        return File.Exists(path) ? path : throw new FileNotFoundException($"TorchSharp's native library is not in the NuGet cache at {path}.");
    }
}
