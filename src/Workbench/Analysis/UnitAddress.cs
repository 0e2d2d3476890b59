namespace Workbench.Analysis;

/// <summary>
/// One unit of a model: a layer name (one of <see cref="Models.RetinaModel.LayerNames"/>, or <see cref="Output"/> for the
/// final rates), a channel, and a position in the channel's map.
/// </summary>
/// <remarks>
/// Layers whose activations are <c>(B, C, H, W)</c> maps (the BN-CNN's conv/bn/relu layers) address units by all three
/// indices; layers with <c>(B, C)</c> activations (a readout, an LN model's generator, the output) by channel alone, with
/// row and column 0.
/// </remarks>
/// <param name="Layer">Layer name, as the model names it (e.g. "bn1", before layer 1's ReLU; "relu1", after it).</param>
/// <param name="Channel">Channel (for (B, C) layers: the cell or unit index).</param>
/// <param name="Row">Row in the channel's map (0 for (B, C) layers).</param>
/// <param name="Column">Column in the channel's map (0 for (B, C) layers).</param>
public sealed record UnitAddress(string Layer, int Channel, int Row = 0, int Column = 0)
{
    /// <summary>The name that addresses a model's final rates <c>(B, N)</c>, for every model (also those without layers).</summary>
    public const string Output = "output";

    /// <summary>A model's output cell <paramref name="cell"/>.</summary>
    public static UnitAddress OutputCell(int cell) => new(Output, cell);

    /// <inheritdoc/>
    public override string ToString() => $"{Layer}[{Channel}, {Row}, {Column}]";
}
