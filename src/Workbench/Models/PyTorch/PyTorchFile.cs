using System.Collections;
using Razorvine.Pickle;
using TorchSharp;
using TorchSharp.PyBridge;

namespace Workbench.Models.PyTorch;

/// <summary>
/// Reads what <c>torch.save</c> wrote (PyTorch's zip format, the default since PyTorch 1.6, or the legacy format
/// before it, through <see cref="LegacyPyTorchFile"/>) into plain .NET values:
/// dictionaries with string keys, lists, strings, numbers, booleans, null and tensors.
/// </summary>
/// <remarks>
/// The zip and the tensor storages are read by TorchSharp.PyBridge's unpickler (which, on its own, reads state dicts
/// only); <see cref="NumpyPickle"/> adds the numpy scalars and arrays torch-deep-retina checkpoints hold. Anything else
/// that only Python can rebuild (a whole pickled <c>nn.Module</c>, a custom class) is an error naming the file.
/// Tensors are created in the caller's dispose scope.
/// </remarks>
internal static class PyTorchFile
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is not one this reader understands; the message names it and says why.</exception>
    public static object? Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file.", path);
        NumpyPickle.Register();
        Hashtable table;
        try
        {
            using var stream = File.OpenRead(path);
            var signature = new byte[4];
            int read = stream.Read(signature, 0, 4);
            if (read >= 2 && LegacyPyTorchFile.Looks(signature))
            {
                stream.Dispose();
                return LegacyPyTorchFile.Read(path);
            }
            if (read < 4 || signature[0] != 0x50 || signature[1] != 0x4B)
                throw new InvalidDataException($"{path}: neither PyTorch's zip format (PyTorch 1.6 and later) nor its legacy pickle format; not a file torch.save wrote.");
            stream.Position = 0;
            table = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: false, skipTensorRead: false);
        }
        catch (InvalidDataException e) when (e.Message.StartsWith(path, StringComparison.Ordinal)) { throw; }
        catch (NotImplementedException e) when (e.Message.Contains("entire model", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: holds a whole pickled nn.Module, which only Python can rebuild; save its state_dict() instead " +
                "(torch.save(model.state_dict(), path), or a dict holding it under 'model_state_dict').", e);
        }
        catch (InvalidCastException e)
        {
            throw new InvalidDataException($"{path}: its top level is not a dictionary (a state dict or a checkpoint dict), or the file is damaged ({e.Message}).", e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever a damaged zip or pickle makes the readers throw, the user learns which file it was.
            throw new InvalidDataException($"{path}: cannot be read as a PyTorch file; it may be damaged ({e.GetType().Name}: {e.Message}).", e);
        }
        return Convert(table);
    }

    /// <summary>The pickle reader's objects as plain .NET values.</summary>
    private static object? Convert(object? value) => value switch
    {
        null => null,
        torch.Tensor t => t,
        string s => s,
        IDictionary d => d.Keys.Cast<object>().ToDictionary(k => k.ToString() ?? "", k => Convert(d[k]), StringComparer.Ordinal),
        NumpyArray a => Convert(NumpyPickle.ToList(a)),
        byte[] b => b,
        IEnumerable e => e.Cast<object?>().Select(Convert).ToList(),
        int i => (long)i,
        float f => (double)f,
        System.Numerics.BigInteger b => (long)b,
        _ => value,
    };
}
