using Workbench.Data.Hdf5;

namespace Workbench.Tests.Data.Hdf5;

public class ByteConversionTests
{
    /// <summary>Every byte value, at lengths around the 32-byte vector width (tail only, exact, vector + tail).</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(1031)]
    public void ToSingle_EqualsTheScalarCast(int length)
    {
        var source = new byte[length];
        new Random(length).NextBytes(source);
        for (int v = 0; v < Math.Min(256, length); v++) source[v] = (byte)(255 - v); // every value appears once the span is long enough
        var destination = new float[length];

        ByteConversion.ToSingle(source, destination);

        for (int i = 0; i < length; i++)
            Assert.Equal((float)source[i], destination[i]); // exact: every byte is a float32 integer
    }

    [Fact]
    public void MismatchedLengths_AreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => ByteConversion.ToSingle(new byte[4], new float[5]));
        Assert.Contains("4 bytes cannot fill 5 floats", e.Message);
    }
}
