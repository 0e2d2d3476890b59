namespace Workbench.Phenomena;

/// <summary>Motion anticipation (<see cref="MotionAnticipation"/>) with the data of the paper's Fig. 3D.</summary>
/// <param name="Name">Phenomenon name.</param>
/// <param name="Verdict">Verdict.</param>
/// <param name="Criterion">Decision rule.</param>
/// <param name="Numbers">Headline numbers.</param>
/// <param name="FlashPositionsMicrons">Flashed bar centres, µm from the screen centre.</param>
/// <param name="FlashResponse">Mean over cells of the flashed-bar response (less the blank-screen rate) at the flash-map time.</param>
/// <param name="RightwardPositionsMicrons">The rightward bar's centre at each response, µm.</param>
/// <param name="RightwardResponse">Mean over cells of the response to the rightward bar, less the blank-screen rate.</param>
/// <param name="LeftwardPositionsMicrons">The leftward bar's centre at each response, µm.</param>
/// <param name="LeftwardResponse">Mean over cells of the response to the leftward bar, less the blank-screen rate.</param>
public sealed record MotionAnticipationResult(string Name, Verdict Verdict, string Criterion, IReadOnlyDictionary<string, double> Numbers,
    IReadOnlyList<double> FlashPositionsMicrons, IReadOnlyList<double> FlashResponse,
    IReadOnlyList<double> RightwardPositionsMicrons, IReadOnlyList<double> RightwardResponse,
    IReadOnlyList<double> LeftwardPositionsMicrons, IReadOnlyList<double> LeftwardResponse)
    : PhenomenonResult(Name, Verdict, Criterion, Numbers);
