using System.Text.Json.Serialization;

namespace Workbench.Phenomena;

/// <summary>Whether a model shows a phenomenon, by the phenomenon's stated numeric criterion.</summary>
[JsonConverter(typeof(JsonStringEnumConverter))]
public enum Verdict
{
    /// <summary>The criterion is met.</summary>
    Present,
    /// <summary>The model responds to the stimulus but the criterion is not met.</summary>
    Absent,
    /// <summary>The measurement cannot decide (e.g. the model does not respond to the stimulus at all).</summary>
    Inconclusive,
}
