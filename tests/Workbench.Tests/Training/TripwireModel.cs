using TorchSharp;
using TorchSharp.Modules;
using Workbench.Models;
using static TorchSharp.torch;

namespace Workbench.Tests.Training;

/// <summary>
/// A linear–softplus model over the whole window (it learns planted LN cells) with faults planted at known places, so a
/// test knows exactly where a run must diverge: training forward passes are counted (call k is batch
/// ((k − 1) mod B) + 1 of epoch ⌊(k − 1) / B⌋ + 1 for B batches per epoch), and evaluation passes are told apart by how
/// many training passes came before them.
/// </summary>
internal sealed class TripwireModel : RetinaModel
{
    private readonly Linear _linear;

    public TripwireModel(int history, int size, int cells)
        : base(nameof(TripwireModel), new ModelSpec { Kind = ModelKind.Ln, History = history, Height = size, Width = size, Cells = cells })
    {
        _linear = nn.Linear(history * size * size, cells);
        RegisterComponents();
    }

    /// <summary>Training forward passes so far.</summary>
    public int TrainingCalls { get; private set; }

    /// <summary>Training pass number k returns NaN rates (so that batch's loss is NaN).</summary>
    public int? NaNOutputAtCall { get; init; }

    /// <summary>Training pass number k returns finite rates whose gradient is not finite (so that batch's update is).</summary>
    public int? NonFiniteGradientAtCall { get; init; }

    /// <summary>Evaluation passes after at least k training passes return NaN rates.</summary>
    public int? NaNEvaluationAfterCall { get; init; }

    /// <summary>Evaluation passes after any training pass return the negated drive: anti-correlated, finite.</summary>
    public bool WorseAfterTraining { get; init; }

    /// <summary>The weights, (cells, history·size·size).</summary>
    public Tensor Weight => _linear.weight!;

    /// <inheritdoc/>
    public override IReadOnlyList<string> LayerNames => ["linear"];

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe)
    {
        CheckInput(input);
        var drive = _linear.forward(input.flatten(1));
        if (training)
        {
            TrainingCalls++;
            if (TrainingCalls == NaNOutputAtCall) drive = drive * float.NaN;
            // sqrt(|w − w|) is 0 in value, but its derivative at 0 is not finite.
            if (TrainingCalls == NonFiniteGradientAtCall) drive = drive + (Weight - Weight.detach()).abs().sqrt().sum();
        }
        else
        {
            if (TrainingCalls >= NaNEvaluationAfterCall) drive = drive * float.NaN;
            if (WorseAfterTraining && TrainingCalls > 0) drive = -drive;
        }
        observe?.Invoke("linear", drive);
        return nn.functional.softplus(drive);
    }
}
