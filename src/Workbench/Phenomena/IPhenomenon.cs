using Workbench.Models;

namespace Workbench.Phenomena;

/// <summary>
/// One retinal phenomenon: builds its stimuli (in contrast units), runs them through a model via a
/// <see cref="StimulusInput"/>, measures, and judges by a stated numeric criterion. Implementations keep the reference's
/// stimulus values as their property defaults.
/// </summary>
public interface IPhenomenon
{
    /// <summary>The phenomenon's name (as in the result).</summary>
    string Name { get; }

    /// <summary>Measures the phenomenon on <paramref name="model"/>.</summary>
    PhenomenonResult Measure(RetinaModel model, StimulusInput input, PhenomenaOptions options);
}
