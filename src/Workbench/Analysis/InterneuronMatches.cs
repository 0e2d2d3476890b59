using Workbench.Data;

namespace Workbench.Analysis;

/// <summary>The matches of every interneuron of one stimulus group with one model.</summary>
/// <param name="Stimulus">The stimulus group's key (e.g. "whitenoise").</param>
/// <param name="Layers">The probed layers.</param>
/// <param name="Windows">History windows correlated (stimulus frames minus the model's history): window k is paired with
/// potential sample k + History, as recordings pair windows with response bins.</param>
/// <param name="ControlShift">The circular shift of the control potentials, windows.</param>
/// <param name="Normalisation">The stimulus normalisation applied before the model saw it.</param>
/// <param name="Cells">One match per interneuron, in the recording's order.</param>
public sealed record InterneuronMatches(string Stimulus, IReadOnlyList<string> Layers, long Windows, long ControlShift,
    StimulusNormalisation Normalisation, IReadOnlyList<InterneuronMatch> Cells);
