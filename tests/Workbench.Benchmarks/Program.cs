using BenchmarkDotNet.Running;
using Workbench.Runtime;

// TorchSharp must be loadable before BenchmarkDotNet starts measuring (GLIBCXX compatibility on older systems).
NativeCompatibility.EnsureTorchSharpLoadable();
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
