namespace Workbench.Training;

/// <summary>Where and how a training run diverged.</summary>
/// <param name="Epoch">One-based epoch in which it happened.</param>
/// <param name="Batch">One-based batch of that epoch whose loss or update was not finite; for predictions that became
/// non-finite in the validation after an epoch, the epoch's last batch.</param>
/// <param name="What">What became non-finite, in a sentence (the loss's value, the parameter, or the validation predictions).</param>
public sealed record Divergence(int Epoch, int Batch, string What)
{
    /// <inheritdoc/>
    public override string ToString() => $"epoch {Epoch}, batch {Batch}: {What}";
}
