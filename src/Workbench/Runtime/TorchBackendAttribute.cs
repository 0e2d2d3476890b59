namespace Workbench.Runtime;

/// <summary>Records, at build time, which torch backend packages the workbench was built against (cpu-linux, cpu or cuda).</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class TorchBackendAttribute(string backend) : Attribute
{
    /// <summary>The <c>TorchBackend</c> MSBuild property of the build.</summary>
    public string Backend { get; } = backend;
}
