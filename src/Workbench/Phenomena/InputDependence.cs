using TorchSharp;
using Workbench.Analysis;
using Workbench.Models;
using static TorchSharp.torch;

namespace Workbench.Phenomena;

/// <summary>Whether a model's output is a differentiable function of its input, before gradients are asked of it.</summary>
internal static class InputDependence
{
    /// <summary>
    /// True when the cells' outputs for the first window of <paramref name="movie"/> <c>(T, H, W)</c> (model input units)
    /// carry a gradient path back to the input, with the model's parameters frozen. A model whose output ignores its input
    /// (e.g. a constant) has none, and libtorch's autograd would abort the process rather than throw, so phenomena that
    /// take input gradients check this first.
    /// </summary>
    public static bool Differentiable(RetinaModel model, Tensor movie)
    {
        using var eval = new EvalMode(model);
        var frozen = model.parameters().Where(p => p.requires_grad).ToList();
        foreach (var p in frozen) p.requires_grad_(false);
        try
        {
            using var grad = torch.enable_grad();
            using var scope = torch.NewDisposeScope();
            var (device, dtype) = LayerProbe.Placement(model);
            var x = movie.narrow(0, 0, model.Spec.History).unsqueeze(0).to(dtype, device).detach().requires_grad_(true);
            return model.forward(x).requires_grad;
        }
        finally
        {
            foreach (var p in frozen) p.requires_grad_(true);
        }
    }
}
