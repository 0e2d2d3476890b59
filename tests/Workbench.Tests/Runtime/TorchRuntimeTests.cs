using Workbench.Runtime;
using Workbench.TestSupport;
using Workbench.Tests.Support;

namespace Workbench.Tests.Runtime;

public class TorchRuntimeTests
{
    [Fact]
    public void Initialize_ReportsVersionsDeviceThreadsAndSeed()
    {
        var report = TorchRuntime.Initialize(new RuntimeOptions { Device = "cpu", Seed = 42, Threads = 1 });

        Assert.Equal(TorchSharp.DeviceType.CPU, report.Device.type);
        Assert.Equal(1, report.Threads);
        Assert.Equal(1, TorchSharp.torch.get_num_threads());
        Assert.Equal(42, report.Seed);
        Assert.Equal(TorchSharpPackage.Version, report.TorchSharpVersion);
        Assert.StartsWith("2.10.0", report.LibTorchVersion);
        Assert.Equal("cpu-linux", report.Backend);
        Assert.Contains("threads", report.ToString());
    }

    [Fact]
    public void Seed_FixesTheRandomStream()
    {
        TestTorch.Cpu(seed: 5);
        float[] a = TorchSharp.torch.randn(16).data<float>().ToArray();
        TestTorch.Cpu(seed: 5);
        float[] b = TorchSharp.torch.randn(16).data<float>().ToArray();
        TestTorch.Cpu(seed: 6);
        float[] c = TorchSharp.torch.randn(16).data<float>().ToArray();

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Auto_PicksCudaExactlyWhenAvailable()
    {
        var (device, reason) = TorchRuntime.SelectDevice("auto");

        Assert.Equal(TorchSharp.torch.cuda.is_available() ? TorchSharp.DeviceType.CUDA : TorchSharp.DeviceType.CPU, device.type);
        Assert.StartsWith("auto", reason);
    }

    [Fact]
    public void EnvironmentVariable_OverridesWhenNoDeviceIsRequested()
    {
        Environment.SetEnvironmentVariable(TorchRuntime.DeviceVariable, "cpu");
        try
        {
            var (device, reason) = TorchRuntime.SelectDevice();
            Assert.Equal(TorchSharp.DeviceType.CPU, device.type);
            Assert.Contains(TorchRuntime.DeviceVariable, reason);
        }
        finally
        {
            Environment.SetEnvironmentVariable(TorchRuntime.DeviceVariable, null);
        }
    }

    [Fact]
    public void CudaWithoutCuda_SaysHowToGetIt()
    {
        if (TorchSharp.torch.cuda.is_available()) return; // the error path exists only without CUDA

        var e = Assert.Throws<InvalidOperationException>(() => TorchRuntime.SelectDevice("cuda"));

        Assert.Contains("TorchBackend=cuda", e.Message);
        Assert.Contains("--device cpu", e.Message);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    public void MalformedDevice_IsNamedInTheError(string device)
    {
        if (device.StartsWith("cuda") && !TorchSharp.torch.cuda.is_available()) return; // reaches the CUDA check first

        var e = Assert.Throws<ArgumentException>(() => TorchRuntime.SelectDevice(device));

        Assert.Contains($"'{device}'", e.Message);
    }

    [Fact]
    public void NonPositiveThreads_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => TorchRuntime.Initialize(new RuntimeOptions { Device = "cpu", Threads = 0 }));
    }
}
