namespace Workbench.Data;

/// <summary>A recorded (or simulated) cell.</summary>
/// <param name="Index">Index of the cell in the source file's response arrays (the reference's <c>CELLS</c> numbering).</param>
/// <param name="Name">Name as the file knows it, e.g. <c>cell01</c> (one-based, as in <c>test/repeats/cellNN</c>).</param>
/// <param name="Row">Receptive-field centre row in stimulus checkers, if known.</param>
/// <param name="Column">Receptive-field centre column in stimulus checkers, if known.</param>
public sealed record CellInfo(int Index, string Name, double? Row = null, double? Column = null)
{
    /// <summary>The name the deep-retina layout uses for the cell with zero-based index <paramref name="index"/>.</summary>
    public static string NameOf(int index) => $"cell{index + 1:D2}";
}
