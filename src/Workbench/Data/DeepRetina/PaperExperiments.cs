namespace Workbench.Data.DeepRetina;

/// <summary>One recording session of the deep-retina paper: the cells it analysed and their receptive-field centres.</summary>
/// <param name="Date">The session, as its folder is named (e.g. 15-10-07).</param>
/// <param name="Cells">Indices into the response arrays of the cells the paper used.</param>
/// <param name="Centres">Receptive-field centre (row, column) of each of those cells, in checkers.</param>
public sealed record PaperExperiment(string Date, IReadOnlyList<int> Cells, IReadOnlyList<(double Row, double Column)> Centres);

/// <summary>
/// The cell and centre tables of torch-deep-retina (<c>datas.CELLS</c>, <c>datas.CENTERS</c>): the 5 + 4 + 17 = 26
/// salamander ganglion cells of the paper's figures.
/// </summary>
public static class PaperExperiments
{
    /// <summary>The three sessions of the paper.</summary>
    public static IReadOnlyList<PaperExperiment> All { get; } =
    [
        new("15-10-07", [0, 1, 2, 3, 4], [(21, 18), (24, 20), (22, 18), (27, 18), (31, 20)]),
        new("15-11-21a", [6, 10, 12, 13], [(37, 3), (39, 6), (20, 15), (41, 2)]),
        new("15-11-21b", [0, 1, 3, 5, 8, 9, 13, 14, 16, 17, 18, 20, 21, 22, 23, 24, 25],
            [(16, 13), (20, 12), (19, 7), (19, 3), (21, 7), (22, 6), (21, 7), (25, 3), (23, 6), (26, 4), (24, 6), (26, 7), (27, 9), (26, 9), (27, 11), (26, 13), (24, 10)]),
    ];

    /// <summary>The session a file belongs to, judged by the name of its folder (<c>&lt;date&gt;/naturalscene.h5</c>).</summary>
    public static PaperExperiment? ForFile(string path) =>
        All.FirstOrDefault(e => string.Equals(new DirectoryInfo(Path.GetDirectoryName(Path.GetFullPath(path))!).Name, e.Date, StringComparison.OrdinalIgnoreCase));
}
