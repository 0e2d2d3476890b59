using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Training;

/// <summary>
/// A test aid that makes a run diverge at a known place: with <c>WORKBENCH_INJECT_NAN=epoch:batch</c> in the environment,
/// the trainer sets one weight of the model to NaN just before that batch's forward pass, so the loss becomes NaN there
/// through the ordinary computation. It reaches fits inside other processes (the CLI, notebooks, the quickstart), which
/// is how the tests prove those stop at the failing cell with the right epoch and batch. Every divergence it causes
/// says so in its message.
/// </summary>
/// <param name="Epoch">One-based epoch.</param>
/// <param name="Batch">One-based batch within that epoch.</param>
public sealed record NaNInjection(int Epoch, int Batch)
{
    /// <summary>The environment variable: <c>epoch:batch</c>, both one-based.</summary>
    public const string Variable = "WORKBENCH_INJECT_NAN";

    /// <summary>The injection the environment asks for, or null.</summary>
    /// <exception cref="ArgumentException">The variable is set but is not <c>epoch:batch</c> with positive integers.</exception>
    public static NaNInjection? FromEnvironment()
    {
        string? value = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(value)) return null;
        var parts = value.Split(':');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int epoch) && epoch >= 1
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int batch) && batch >= 1)
            return new NaNInjection(epoch, batch);
        throw new ArgumentException($"{Variable}={value}: expected epoch:batch with positive integers, e.g. 2:3.");
    }

    /// <summary>What divergence messages add when this injection caused them.</summary>
    public string Note => $"(NaN injected by {Variable}={Epoch}:{Batch})";

    /// <summary>Poisons the first element of the model's first parameter if this is the batch.</summary>
    /// <returns>Whether it did.</returns>
    internal bool ApplyIfDue(nn.Module model, int epoch, int batch)
    {
        if (epoch != Epoch || batch != Batch) return false;
        using var noGrad = torch.no_grad();
        var first = model.parameters().First();
        first.view(-1)[0].fill_(float.NaN);
        return true;
    }
}
