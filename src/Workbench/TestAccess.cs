using System.Runtime.CompilerServices;

// The unit tests reach a few internals directly (the guarded stream PureHDF reads through) instead of planting files
// that would take minutes to trip them.
[assembly: InternalsVisibleTo("Workbench.Tests")]
