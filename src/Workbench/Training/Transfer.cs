using TorchSharp;
using Workbench.Data;
using Workbench.Models;

namespace Workbench.Training;

/// <summary>
/// Transfer learning (Lurz et al. 2021): a core trained on some cells, frozen, with a new readout fitted on other cells or
/// another recording. With little data the readout's few parameters per cell are all that must be learned.
/// </summary>
public static class Transfer
{
    /// <summary>
    /// A new BN-CNN for <paramref name="data"/>'s cells with <paramref name="core"/>'s core (copied, frozen) and a fresh
    /// readout (<paramref name="customise"/> may change it; Gaussian by default, each cell's location started at its recorded
    /// or reverse-correlation receptive-field centre), the readout fitted with
    /// <see cref="Trainer.Train(RetinaModel, Recording, TrainingOptions, TrainingContext?)"/> and <paramref name="options"/>. <paramref name="data"/> must be normalised as the core's
    /// training data were (read it with <c>DeepRetinaReadOptions.Normalisation</c> set to the core checkpoint's).
    /// </summary>
    /// <exception cref="ArgumentException">The data's stimulus differs from the core's in size, or the readout needs
    /// receptive-field centres (convolutional).</exception>
    public static FitResult Fit(BnCnn core, Recording data, TrainingOptions options, TrainingContext? context = null,
        Func<ModelSpec, ModelSpec>? customise = null)
    {
        ArgumentNullException.ThrowIfNull(core);
        ArgumentNullException.ThrowIfNull(data);
        options.Validate();
        if (data.Height != core.Spec.Height || data.Width != core.Spec.Width || options.History != core.Spec.History)
            throw new ArgumentException($"{data.Provenance.Source}: {data.Height}x{data.Width} frames with history {options.History}; the core takes {core.Spec.History} frames of {core.Spec.Height}x{core.Spec.Width}.", nameof(data));
        var spec = core.Spec with { Cells = data.Cells.Count, CellPositions = null, Readout = ReadoutKind.Gaussian, ReadoutBias = true };
        spec = customise?.Invoke(spec) ?? spec;
        if (spec.Readout == ReadoutKind.Convolutional)
            throw new ArgumentException("Transfer fits a dense, factorized or Gaussian readout; a convolutional readout needs each new cell's centre.", nameof(customise));
        context ??= new TrainingContext();
        if (context.DataForCheckpoints is null) context = context with { DataForCheckpoints = data };
        torch.manual_seed(options.Seed);
        var model = new BnCnn(spec);
        try
        {
            model.CopyCoreFrom(core);
            model.FreezeCore();
            // A Gaussian readout cannot walk far from the middle of the map in the steps it gets: start each cell where its
            // receptive field is (recorded, or estimated by reverse correlation on these data).
            Fitting.StartAtCentres(model, data, options);
            return new FitResult(model, Trainer.Train(model, data, options, context), false);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
