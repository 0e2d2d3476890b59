using System.Diagnostics;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json.Nodes;
using Workbench.TestSupport;

namespace Workbench.Cli.Tests.Kernel;

/// <summary>
/// The workbench's F# and formatting assemblies against the pinned .NET Interactive kernel's
/// (.config/dotnet-tools.json; setup.sh restores it). In the kernel one FSharp.Core serves everything: the kernel's
/// 10.0.0.0, to which <see cref="Workbench.Display.KernelFSharpCore"/> sends Plotly.NET's requests for 10.1.0.0 (Plotly.NET
/// 6.0.0, the only one the feed serves, is built against 10.1, so the workbench cannot ship 10.0 itself: CS1705).
/// </summary>
public class KernelAssembliesTests
{
    private static readonly string[] FSharpUsers = ["Plotly.NET.dll", "Plotly.NET.CSharp.dll", "DynamicObj.dll", "Giraffe.ViewEngine.dll", "Workbench.dll"];

    [Fact]
    public void FSharpCore_TheWorkbenchShips_HasTheKernelsMajorVersion()
    {
        var shipped = AssemblyName.GetAssemblyName(Path.Combine(AppContext.BaseDirectory, "FSharp.Core.dll")).Version!;
        var kernel = AssemblyName.GetAssemblyName(Path.Combine(KernelToolFolder(), "FSharp.Core.dll")).Version!;

        // Within a major version FSharp.Core only adds; across one the resolver refuses to unify and charts would break.
        Assert.True(shipped.Major == kernel.Major,
            $"The workbench ships FSharp.Core {shipped}, the kernel {kernel}: KernelFSharpCore only unifies one major version.");
    }

    [Fact]
    public void FSharpCore_EveryTypeAndMemberTheWorkbenchUses_ExistsInTheKernels()
    {
        var kernel = Definitions(Path.Combine(KernelToolFolder(), "FSharp.Core.dll"));
        var missing = new List<string>();
        int used = 0;
        foreach (string file in FSharpUsers)
            foreach (var (type, member) in FSharpCoreUses(Path.Combine(AppContext.BaseDirectory, file)))
            {
                used++;
                if (!kernel.TryGetValue(type, out var members)) missing.Add($"{file}: type {type}");
                else if (member is not null && !members.Contains(member)) missing.Add($"{file}: {type}::{member}");
            }

        Assert.True(used > 100, $"only {used} FSharp.Core uses found: the metadata walk is broken");
        Assert.True(missing.Count == 0, "Not in the kernel's FSharp.Core:\n" + string.Join("\n", missing.Distinct()));
    }

    [Fact]
    public void Formatting_TheWorkbenchShips_IsTheKernelsVersion()
    {
        string Version(string folder) =>
            FileVersionInfo.GetVersionInfo(Path.Combine(folder, "Microsoft.DotNet.Interactive.Formatting.dll")).ProductVersion!.Split('+')[0];

        Assert.Equal(Version(KernelToolFolder()), Version(AppContext.BaseDirectory));
    }

    /// <summary>The pinned dotnet-interactive tool's files in the NuGet package folder.</summary>
    internal static string KernelToolFolder()
    {
        string manifest = RepositoryPaths.Of(".config", "dotnet-tools.json");
        string version = (string)JsonNode.Parse(File.ReadAllText(manifest))!["tools"]!["microsoft.dotnet-interactive"]!["version"]!;
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string folder = Path.Combine(packages, "microsoft.dotnet-interactive", version, "tools", "net10.0", "any");
        return Directory.Exists(folder) ? folder
            : throw new InvalidOperationException($"{folder} does not exist: the kernel pinned in {manifest} is not restored. Run ./environment/setup.sh (dotnet tool restore).");
    }

    /// <summary>Every type FSharp.Core defines (nested ones as Outer+Inner) with the names of its methods and fields.</summary>
    private static Dictionary<string, HashSet<string>> Definitions(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        var md = pe.GetMetadataReader();
        var result = new Dictionary<string, HashSet<string>>();
        foreach (var h in md.TypeDefinitions)
        {
            var t = md.GetTypeDefinition(h);
            var members = t.GetMethods().Select(m => md.GetString(md.GetMethodDefinition(m).Name))
                .Concat(t.GetFields().Select(f => md.GetString(md.GetFieldDefinition(f).Name)));
            result[Name(md, h)] = members.ToHashSet();
        }
        return result;
    }

    private static string Name(MetadataReader md, TypeDefinitionHandle h)
    {
        var t = md.GetTypeDefinition(h);
        if (t.GetDeclaringType() is { IsNil: false } outer) return Name(md, outer) + "+" + md.GetString(t.Name);
        string ns = md.GetString(t.Namespace);
        return ns.Length > 0 ? ns + "." + md.GetString(t.Name) : md.GetString(t.Name);
    }

    /// <summary>The FSharp.Core types (member null) and members an assembly references.</summary>
    private static List<(string Type, string? Member)> FSharpCoreUses(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        var md = pe.GetMetadataReader();
        var fsharp = md.AssemblyReferences.FirstOrDefault(a => md.GetString(md.GetAssemblyReference(a).Name) == "FSharp.Core");
        var uses = new List<(string, string?)>();
        if (fsharp.IsNil) return uses;

        string? TypeName(EntityHandle handle)
        {
            if (handle.Kind != HandleKind.TypeReference) return null;
            var t = md.GetTypeReference((TypeReferenceHandle)handle);
            string name = md.GetString(t.Name);
            return t.ResolutionScope.Kind switch
            {
                HandleKind.AssemblyReference when (AssemblyReferenceHandle)t.ResolutionScope == fsharp =>
                    md.GetString(t.Namespace) is { Length: > 0 } ns ? ns + "." + name : name,
                HandleKind.TypeReference when TypeName((TypeReferenceHandle)t.ResolutionScope) is { } outer => outer + "+" + name,
                _ => null,
            };
        }

        foreach (var h in md.TypeReferences)
            if (TypeName(h) is { } type) uses.Add((type, null));
        foreach (var h in md.MemberReferences)
        {
            var m = md.GetMemberReference(h);
            EntityHandle owner = m.Parent;
            if (owner.Kind == HandleKind.TypeSpecification)
            {
                // A member of a generic instantiation (FSharpOption<int>.Some): the blob names the generic type.
                var blob = md.GetBlobReader(md.GetTypeSpecification((TypeSpecificationHandle)owner).Signature);
                if (blob.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance) continue;
                blob.ReadSignatureTypeCode();
                owner = blob.ReadTypeHandle();
            }
            if (TypeName(owner) is { } type) uses.Add((type, md.GetString(m.Name)));
        }
        return uses;
    }
}
