using Workbench.Data;

namespace Workbench.Models;

/// <summary>One recording of a shared-core checkpoint (<see cref="CheckpointInfo.Recordings"/>): its id, cells and source.</summary>
/// <param name="Id">The id of its readout (<see cref="RecordingCells.Id"/>).</param>
/// <param name="Cells">Its cells, in output order.</param>
/// <param name="Data">Where its training data came from (file, split, rate dataset).</param>
/// <param name="Normalisation">How its stimulus was normalised (each recording by its own statistics): apply it to its test data.</param>
public sealed record RecordingSource(string Id, IReadOnlyList<CellInfo> Cells, RecordingProvenance? Data, StimulusNormalisation? Normalisation = null);
