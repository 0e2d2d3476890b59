namespace Workbench.Cli.Commands;

/// <summary>Process exit codes, the same for every command.</summary>
public static class ExitCodes
{
    /// <summary>Everything worked.</summary>
    public const int Ok = 0;

    /// <summary>The work itself failed (a notebook cell threw, training diverged ...); outputs so far were written.</summary>
    public const int Failed = 1;

    /// <summary>Bad input: unknown option, missing or malformed file, unusable parameter. Nothing was run or written.</summary>
    public const int BadInput = 2;
}
