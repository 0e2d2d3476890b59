using Workbench.Benchmarks.SideBySide;

namespace Workbench.Tests.Benchmarks;

/// <summary>The side-by-side command's arguments and its median (nothing here is timed).</summary>
public class SideBySideOptionsTests
{
    [Fact]
    public void NoArguments_GiveTheDefaults()
    {
        var o = SideBySideOptions.Parse([]);

        Assert.Equal((64, 10, 5, 2, "/usr/bin/python3"), (o.Batch, o.Steps, o.Repeats, o.Warmup, o.Python));
        Assert.Equal(Environment.ProcessorCount, o.Threads);
        Assert.Null(o.Json);
    }

    [Fact]
    public void EveryOption_IsRead()
    {
        var o = SideBySideOptions.Parse(["--batch", "32", "--steps", "3", "--repeats", "7", "--threads", "1", "--warmup", "0", "--json", "out.json", "--python", "/opt/py"]);

        Assert.Equal(new SideBySideOptions(32, 3, 7, 1, 0, "out.json", "/opt/py"), o);
    }

    [Theory]
    [InlineData("--steps", "0")]
    [InlineData("--batch", "-4")]
    [InlineData("--threads", "two")]
    [InlineData("--repeats", "")]
    [InlineData("--warmup", "-1")]
    [InlineData("--fast", "1")]
    public void BadArgument_IsNamed(string name, string value)
    {
        var e = Assert.Throws<ArgumentException>(() => SideBySideOptions.Parse([name, value]));
        Assert.Contains(name, e.Message);
    }

    [Fact]
    public void MissingValue_IsNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => SideBySideOptions.Parse(["--json"]));
        Assert.Contains("--json", e.Message);
    }

    /// <summary>Oracle: medians by hand; the rate is steps × batch / seconds.</summary>
    [Fact]
    public void Median_AndRate()
    {
        Assert.Equal(3.0, Timing.Median([5.0, 1.0, 3.0]));
        Assert.Equal(2.5, Timing.Median([4.0, 1.0, 2.0, 3.0]));
        Assert.Throws<ArgumentException>(() => Timing.Median([]));
        Assert.Equal(128.0, new Timing(Seconds: 5, CpuSeconds: 9, Steps: 10, Batch: 64).SamplesPerSecond);
    }
}
