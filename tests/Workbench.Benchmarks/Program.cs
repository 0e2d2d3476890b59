using BenchmarkDotNet.Running;
using Workbench.Benchmarks.SideBySide;
using Workbench.Runtime;

// TorchSharp must be loadable before BenchmarkDotNet starts measuring (GLIBCXX compatibility on older systems).
NativeCompatibility.EnsureTorchSharpLoadable();
// `side-by-side`: the workbench against the PyTorch peer in one run (see README.md here); anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == SideBySideCommand.Name)
    return SideBySideCommand.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
