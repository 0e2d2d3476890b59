namespace Workbench.Tests.Support;

/// <summary>A test that needs a CUDA device: skipped, with the reason, on machines without one.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!TorchSharp.torch.cuda.is_available()) Skip = "No CUDA device on this machine (or a CPU-only torch backend).";
    }
}
