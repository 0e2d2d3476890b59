using Workbench.Data.Interneurons;

namespace Workbench.Analysis;

/// <summary>How one interneuron's potential correlates with the probed layers of a model (see <see cref="InterneuronMatching"/>).</summary>
/// <param name="Cell">The interneuron.</param>
/// <param name="Maps">Its correlation with every unit of every probed layer (Fig. 2F), in the order the layers were named.</param>
/// <param name="Best">The best-matching unit over all layers, channels and positions.</param>
/// <param name="Ranked">For every channel of every probed layer its best unit, ranked from best to worst (Fig. 2G).</param>
/// <param name="Control">The best unit for the time-shuffled potential (circularly shifted by
/// <see cref="InterneuronMatches.ControlShift"/> windows), which must come out near zero.</param>
/// <param name="ControlMaxAbsR">The largest |r| of any unit with the time-shuffled potential.</param>
/// <param name="BestRow">Stimulus row (checkers) at the centre of the best unit's receptive-field footprint (<see cref="InterneuronMatching.StimulusCentre"/>).</param>
/// <param name="BestColumn">Stimulus column of that centre.</param>
/// <param name="Distance">Distance (checkers) from that centre to the interneuron's recorded position, when the recording gives one.</param>
/// <param name="DataEfficiency">For each k: the best unit chosen from the first k seconds and an LN model fitted to the interneuron on them, both scored on the rest (Fig. 2H-I).</param>
public sealed record InterneuronMatch(InterneuronCell Cell, IReadOnlyList<CorrelationMap> Maps, UnitCorrelation Best,
    IReadOnlyList<UnitCorrelation> Ranked, UnitCorrelation Control, double ControlMaxAbsR, double BestRow, double BestColumn, double? Distance,
    IReadOnlyList<DataEfficiencyPoint> DataEfficiency);
