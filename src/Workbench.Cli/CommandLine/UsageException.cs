namespace Workbench.Cli.CommandLine;

/// <summary>The command line itself is wrong (unknown command or option, missing value). The CLI exits with code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
