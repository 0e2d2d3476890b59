using Workbench.Training;

namespace Workbench.Tests.Training;

public class ScheduleTests
{
    [Fact]
    public void Plateau_ReducesAfterPatienceEpochsWithoutImprovement()
    {
        var schedule = new LearningRateSchedule(new TrainingOptions { LearningRate = 1, PlateauFactor = 0.5, PlateauPatience = 2 });

        double[] rates = [schedule.AfterEpoch(1, true), schedule.AfterEpoch(2, false), schedule.AfterEpoch(3, false), schedule.AfterEpoch(4, false), schedule.AfterEpoch(5, true)];

        Assert.Equal([1, 1, 0.5, 0.5, 0.5], rates);
    }

    [Fact]
    public void Step_ReducesEveryNEpochs()
    {
        var schedule = new LearningRateSchedule(new TrainingOptions { Schedule = ScheduleKind.Step, LearningRate = 1, StepEpochs = 2, StepGamma = 0.1 });

        double[] rates = Enumerable.Range(1, 4).Select(e => schedule.AfterEpoch(e, true)).ToArray();

        Assert.Equal(1, rates[0]);
        Assert.Equal(0.1, rates[1], 1e-12);
        Assert.Equal(0.1, rates[2], 1e-12);
        Assert.Equal(0.01, rates[3], 1e-12);
    }

    [Fact]
    public void EarlyStopping_CountsOnlyRealImprovements_ButTracksTheBest()
    {
        var stopping = new EarlyStopping(new TrainingOptions { EarlyStoppingPatience = 2, EarlyStoppingTolerance = 0.01 });

        Assert.True(stopping.Record(1, 0.50));
        Assert.False(stopping.Record(2, 0.505)); // better, but by less than the tolerance
        Assert.Equal(2, stopping.BestEpoch);
        Assert.False(stopping.ShouldStop);
        Assert.False(stopping.Record(3, 0.40));
        Assert.True(stopping.ShouldStop);
    }
}
