using TorchSharp;
using TorchSharp.Modules;
using Workbench.Runtime;
using static TorchSharp.torch;

namespace Workbench.Models.Layers;

/// <summary>
/// A large convolution factored into a purely linear stack of small ones (no nonlinearity between them), as in the
/// Neuron 2023 "linear-stacked" BN-CNN: a K×K kernel becomes (K − k)/2 + 1 convolutions of k×k (k = 3 by default).
/// The first maps in→out channels, the rest out→out; only the last has a bias. <see cref="Collapse"/> returns the one
/// equivalent K×K convolution.
/// </summary>
public sealed class LinearStackedConv2d : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Conv2d> convs;

    /// <summary>Creates the stack for an effective <paramref name="kernel"/>×<paramref name="kernel"/> kernel.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels (and the inner channels of the stack).</param>
    /// <param name="kernel">Effective kernel size K (odd, ≥ <paramref name="stackKernel"/>).</param>
    /// <param name="stackKernel">Kernel of each small convolution k (odd).</param>
    /// <param name="bias">Whether the last convolution has a bias.</param>
    /// <param name="name">Module name.</param>
    public LinearStackedConv2d(long inChannels, long outChannels, int kernel, int stackKernel = 3, bool bias = true,
        string name = nameof(LinearStackedConv2d)) : base(name)
    {
        if (stackKernel < 1 || stackKernel % 2 == 0 || kernel < stackKernel || (kernel - stackKernel) % (stackKernel - 1 == 0 ? 1 : stackKernel - 1) != 0)
            throw new ArgumentException($"Kernel {kernel} cannot be built from a stack of {stackKernel}x{stackKernel} convolutions.", nameof(kernel));
        int count = stackKernel == 1 ? 1 : (kernel - stackKernel) / (stackKernel - 1) + 1;
        InChannels = inChannels;
        OutChannels = outChannels;
        Kernel = kernel;
        var list = new List<Conv2d>();
        for (int i = 0; i < count; i++)
            list.Add(nn.Conv2d(i == 0 ? inChannels : outChannels, outChannels, stackKernel, bias: bias && i == count - 1));
        convs = nn.ModuleList(list.ToArray());
        RegisterComponents();
    }

    /// <summary>Input channels.</summary>
    public long InChannels { get; }

    /// <summary>Output channels.</summary>
    public long OutChannels { get; }

    /// <summary>Effective kernel size.</summary>
    public int Kernel { get; }

    /// <summary>Number of small convolutions in the stack.</summary>
    public int Depth => convs.Count;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = input;
        // The modules hold the parameters; the workbench's convolution computes (on the route the self-check chose).
        foreach (var conv in convs) x = Convolutions.Conv2d(x, conv.weight!, conv.bias);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The single K×K convolution this stack computes. Because the stack is affine, its weights are its responses to unit
    /// impulses at every input channel and position, minus its response to zero (the bias).
    /// </summary>
    public Conv2d Collapse()
    {
        var device = convs[0].weight!.device;
        var conv = nn.Conv2d(InChannels, OutChannels, Kernel, bias: true, device: device);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        long n = InChannels * Kernel * Kernel;
        var impulses = torch.eye(n, device: device).view(n, InChannels, Kernel, Kernel);
        var zero = forward(torch.zeros(1, InChannels, Kernel, Kernel, device: device)).view(1, OutChannels);
        var response = forward(impulses).view(n, OutChannels) - zero;
        // The response to an impulse at input (c, i, j) is the weight of that tap: the collapsed kernel, as cross-correlation.
        conv.weight!.copy_(response.t().reshape(OutChannels, InChannels, Kernel, Kernel));
        conv.bias!.copy_(zero.view(OutChannels));
        return conv;
    }
}
