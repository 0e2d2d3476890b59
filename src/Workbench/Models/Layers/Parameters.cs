using TorchSharp;
using TorchSharp.Modules;

namespace Workbench.Models.Layers;

/// <summary>Parameters and buffers that survive the dispose scope they were made in.</summary>
/// <remarks>TorchSharp 0.107 disposes a hand-made Parameter with the scope that was active when it was created;
/// built-in layers detach theirs, and so must ours, so a model built inside a scope keeps working.</remarks>
internal static class Parameters
{
    public static Parameter Of(torch.Tensor initial)
    {
        var p = new Parameter(initial.detach().clone());
        p.DetachFromDisposeScope();
        return p;
    }

    public static torch.Tensor Buffer(torch.Tensor initial) => initial.detach().clone().DetachFromDisposeScope();
}
