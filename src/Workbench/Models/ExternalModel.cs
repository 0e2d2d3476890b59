using System.Runtime.InteropServices;
using TorchSharp;
using Workbench.Runtime;
using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>
/// Any module with the workbench's contract — stimulus history <c>(B, History, H, W)</c> in, rates <c>(B, N)</c> out —
/// as a <see cref="RetinaModel"/>, so evaluation, analyses and plots treat it like the built-in families. This is how a
/// network trained in PyTorch joins: export it with <c>torch.jit.script(model).save("model.pt")</c> (or
/// <c>torch.jit.trace</c>) and load it with <see cref="LoadTorchScript"/>.
/// </summary>
/// <remarks>Named layers are not exposed (a TorchScript module's internals are opaque here); <see cref="RetinaModel.Activations"/>
/// returns the output only. Its convolutions cannot take the workbench's routes (<see cref="Convolutions"/>), so where the
/// numerical self-check found libtorch's float32 convolutions wrong, the module runs with oneDNN switched off in both
/// passes (<see cref="WithoutOneDnn"/>: correct, slower), and where even that is wrong it refuses to run.</remarks>
public sealed class ExternalModel : RetinaModel
{
    // Held, not registered: TorchSharp disposes registered children by walking named_modules, which a ScriptModule
    // child does not survive; this wrapper forwards mode changes and disposal itself.
    private readonly nn.Module _inner;
    private readonly Func<Tensor, Tensor> _call;

    /// <summary>Wraps <paramref name="module"/>; <paramref name="spec"/> states its input size and cell count (its Kind is set to External).</summary>
    public ExternalModel(nn.Module<Tensor, Tensor> module, ModelSpec spec) : this(module, module.call, spec)
    {
    }

    private ExternalModel(nn.Module module, Func<Tensor, Tensor> call, ModelSpec spec) : base(nameof(ExternalModel), spec with { Kind = ModelKind.External })
    {
        _inner = module;
        _call = call;
    }

    /// <summary>The wrapped module's parameters.</summary>
    public override IEnumerable<TorchSharp.Modules.Parameter> parameters(bool recurse = true) => _inner.parameters(recurse);

    /// <inheritdoc/>
    public override void train(bool on = true)
    {
        _inner.train(on);
        base.train(on);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Loads a TorchScript file saved by PyTorch (<c>torch.jit.save</c>) onto <paramref name="device"/>, in eval mode.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">libtorch cannot load it (damaged, or not TorchScript); the message names it.</exception>
    public static ExternalModel LoadTorchScript(string path, ModelSpec spec, Device? device = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such TorchScript file.", path);
        IO.ZipIntegrity.Verify(path); // before libtorch, which may abort the process on a damaged archive
        torch.jit.ScriptModule<Tensor, Tensor> module;
        try
        {
            module = device is null ? torch.jit.load<Tensor, Tensor>(path) : torch.jit.load<Tensor, Tensor>(path, device.type, device.index);
        }
        catch (Exception e) when (e is ExternalException or InvalidCastException or ArgumentException)
        {
            // libtorch reports a damaged or foreign archive as a c10::Error; say which file it was.
            throw new InvalidDataException($"{path}: not a TorchScript module libtorch can load ({e.Message.Split('\n')[0]}); the file may be damaged.", e);
        }
        var model = new ExternalModel(module, module.call, spec);
        model.eval();
        return model;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> LayerNames => [];

    /// <summary>
    /// Calls the module the way the numerical self-check allows: directly where libtorch's float32 convolutions are
    /// correct, with oneDNN off (forward and backward) where they are not, and not at all where nothing is correct.
    /// </summary>
    private Tensor Call(Tensor input)
    {
        if (input.device_type != DeviceType.CPU) return _call(input);
        var numerics = NumericsCheck.Current;
        return numerics.UnroutedRoute switch
        {
            ConvolutionRoute.Native => _call(input),
            ConvolutionRoute.OneDnnOff => WithoutOneDnn.Call(_call, input, _inner.parameters()),
            _ => throw new InvalidOperationException(
                $"Refusing to run the TorchScript model: float32 convolutions inside it would compute wrong numbers on this machine. {numerics.Message}"),
        };
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe)
    {
        CheckInput(input);
        var output = Call(input);
        if (output.dim() != 2 || output.shape[0] != input.shape[0] || output.shape[1] != Spec.Cells)
        {
            var shape = string.Join(", ", output.shape);
            output.Dispose();
            throw new InvalidOperationException($"The wrapped module returned [{shape}]; the contract is (B, N) = ({input.shape[0]}, {Spec.Cells}).");
        }
        return output;
    }
}
