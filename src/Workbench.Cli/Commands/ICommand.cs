namespace Workbench.Cli.Commands;

/// <summary>A verb of the <c>workbench</c> command line.</summary>
public interface ICommand
{
    /// <summary>The words that select it, e.g. <c>notebook run</c>.</summary>
    string Name { get; }

    /// <summary>One line for the command list.</summary>
    string Summary { get; }

    /// <summary>Full help text: usage line, options, examples.</summary>
    string Help { get; }

    /// <summary>Runs the command; returns the process exit code (0 ok, 1 the work failed, 2 bad input).</summary>
    int Run(IReadOnlyList<string> args);
}
