using Workbench.Cli.CommandLine;
using Workbench.Cli.Commands;
using Workbench.Cli.Notebooks;
using Workbench.Runtime;

namespace Workbench.Cli;

/// <summary>The <c>workbench</c> command line.</summary>
public static class Program
{
    /// <summary>Every command, in the order help lists them.</summary>
    public static readonly IReadOnlyList<ICommand> Commands =
    [
        new QuickstartCommand(), new SimulateCommand(), new DataInspectCommand(), new DataVerifyCommand(), new DataFetchCommand(),
        new TrainCommand(), new TransferCommand(), new EvaluateCommand(), new RfCommand(), new InterneuronsCommand(), new PhenomenaCommand(), new NotebookRunCommand(), new EnvCommand(),
    ];

    /// <summary>Entry point: dispatches to a command and maps failures to exit codes (1 work failed, 2 bad input).</summary>
    public static int Main(string[] args)
    {
        // Before anything can touch torch: make TorchSharp's native library loadable on this system if it needs help.
        NativeCompatibility.EnsureTorchSharpLoadable();
        try
        {
            if (args.Length == 0 || args[0] is "--help" or "-h" or "help" && args.Length == 1)
            {
                Console.WriteLine(Usage());
                return args.Length == 0 ? ExitCodes.BadInput : ExitCodes.Ok;
            }
            if (args[0] is "--version")
            {
                Console.WriteLine(typeof(Program).Assembly.GetName().Version?.ToString(3));
                return ExitCodes.Ok;
            }
            bool help = args[0] == "help";
            var words = help ? args[1..] : args;
            var command = Commands.FirstOrDefault(c => Matches(c, words))
                ?? throw new UsageException($"Unknown command '{string.Join(' ', words.TakeWhile(w => !w.StartsWith('-')))}'.\n\n{Usage()}");
            var rest = words.Skip(command.Name.Split(' ').Length).ToList();
            if (help || rest.Contains("--help") || rest.Contains("-h"))
            {
                Console.WriteLine(command.Help);
                return ExitCodes.Ok;
            }
            return command.Run(rest);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine(e.Message);
            return ExitCodes.BadInput;
        }
        catch (Training.TrainingDivergedException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (Training.RunDirectoryException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is NotebookInputException or Data.RecordingFormatException or Data.Manifests.ManifestException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException
                                      or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            // IOException here is a read or write the system refused mid-work (disk full, device error): outputs so far stay.
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    private static bool Matches(ICommand command, IReadOnlyList<string> words)
    {
        var name = command.Name.Split(' ');
        return words.Count >= name.Length && name.Select((w, i) => w == words[i]).All(x => x);
    }

    private static string Usage() =>
        "workbench: the Retina Workbench command line.\n\nUsage: workbench <command> [options]   (workbench help <command> for details)\n\nCommands:\n" +
        string.Join("\n", Commands.Select(c => $"  {c.Name,-14} {c.Summary}")) +
        "\n\nExit codes: 0 ok, 1 the work failed, 2 bad input.";
}
