using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Runtime;

/// <summary>
/// Runs a function of a tensor (typically an opaque TorchScript module) with oneDNN switched off for its forward pass
/// <em>and</em> for its backward pass, so every convolution inside it takes libtorch's own (correct, slower) kernels.
/// </summary>
/// <remarks>
/// A plain <see cref="OneDnn.Disabled"/> scope around the call would not cover the backward pass, which autograd runs
/// later, when the caller asks for gradients. So with gradients enabled the call becomes one autograd node: its forward
/// records the inner graph with oneDNN off, and its backward differentiates that graph with oneDNN off again, returning
/// the gradients of the input and of every parameter.
/// </remarks>
public static class WithoutOneDnn
{
    /// <summary>
    /// <paramref name="function"/>(<paramref name="input"/>) with oneDNN off in both passes; <paramref name="parameters"/>
    /// are the tensors inside the function that may need gradients (a module's parameters).
    /// </summary>
    public static Tensor Call(Func<Tensor, Tensor> function, Tensor input, IEnumerable<Tensor> parameters)
    {
        var trainable = parameters.Where(p => p.requires_grad).ToList();
        if (!torch.is_grad_enabled() || (!input.requires_grad && trainable.Count == 0))
        {
            using var off = OneDnn.Disabled();
            return function(input);
        }
        object[] vars = [input, function, .. trainable];
        return InnerGraphFunction.apply(vars)[0];
    }

    /// <summary>What the forward pass recorded: the detached input and the inner graph's output.</summary>
    private sealed class InnerGraph(Tensor input, Tensor output, IReadOnlyList<Tensor> parameters)
    {
        public Tensor Input { get; } = input;
        public Tensor Output { get; } = output;
        public IReadOnlyList<Tensor> Parameters { get; } = parameters;
    }

    private sealed class InnerGraphFunction : torch.autograd.MultiTensorFunction<InnerGraphFunction>
    {
        public override string Name => nameof(WithoutOneDnn);

        public override List<Tensor> forward(torch.autograd.AutogradContext ctx, params object[] vars)
        {
            var input = (Tensor)vars[0];
            var function = (Func<Tensor, Tensor>)vars[1];
            var parameters = vars.Skip(2).Cast<Tensor>().ToList();
            using var off = OneDnn.Disabled();
            using var grad = torch.enable_grad();
            var x = input.detach().requires_grad_(input.requires_grad);
            var y = function(x);
            ctx.save_data("graph", new InnerGraph(x, y, parameters));
            return [y.detach()];
        }

        public override List<Tensor> backward(torch.autograd.AutogradContext ctx, List<Tensor> grads)
        {
            var graph = (InnerGraph)ctx.get_data("graph");
            var wanted = new List<Tensor>();
            if (graph.Input.requires_grad) wanted.Add(graph.Input);
            wanted.AddRange(graph.Parameters);
            IList<Tensor> computed;
            using (OneDnn.Disabled())
                computed = torch.autograd.grad([graph.Output], wanted, [grads[0]], allow_unused: true);
            int next = 0;
            var result = new List<Tensor> { graph.Input.requires_grad ? computed[next++] : null!, null! };
            for (int i = 0; i < graph.Parameters.Count; i++) result.Add(computed[next++]);
            return result;
        }
    }
}
