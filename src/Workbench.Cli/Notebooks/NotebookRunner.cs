using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using System.Reflection.Metadata;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;
using Workbench.Display;

namespace Workbench.Cli.Notebooks;

/// <summary>Progress of a run: a code cell starting (<see cref="Status"/> null) or finishing.</summary>
/// <param name="Position">One-based position among the code cells that will run.</param>
/// <param name="Count">Number of code cells (including an injected parameters cell).</param>
/// <param name="Cell">The cell.</param>
/// <param name="Status">How it ended, or null when it is starting.</param>
/// <param name="Elapsed">Time spent on it so far.</param>
public sealed record CellProgress(int Position, int Count, NotebookCell Cell, CellStatus? Status, TimeSpan Elapsed);

/// <summary>How to run a notebook.</summary>
public sealed record NotebookRunOptions
{
    /// <summary>Overrides for the parameters cell (see <see cref="NotebookParameters"/>).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Called as each code cell starts and ends.</summary>
    public Action<CellProgress>? Progress { get; init; }

    /// <summary>The packages <c>#r "nuget: …"</c> may name.</summary>
    public PackageCatalog Catalog { get; init; } = PackageCatalog.Embedded;
}

/// <summary>
/// Executes a notebook's C# cells in order, in one shared Roslyn scripting state, capturing console output, trailing
/// expressions and <c>display(...)</c> calls. The first failing cell stops the run; later cells are marked skipped.
/// </summary>
/// <remarks>Roslyn never unloads compiled cells, so run one notebook per process (the CLI does).</remarks>
public static class NotebookRunner
{
    /// <summary>Namespaces every cell sees, as in the .NET Interactive C# kernel.</summary>
    public static readonly ImmutableArray<string> DefaultImports =
        ["System", "System.Collections", "System.Collections.Generic", "System.Linq", "System.Text", "System.Threading.Tasks"];

    /// <summary>Every managed assembly of the shared framework, as the .NET Interactive kernel references them.</summary>
    private static readonly Lazy<MetadataReference[]> FrameworkReferences = new(() =>
        Directory.GetFiles(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")
            .Where(IsManagedAssembly)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray());

    private static bool IsManagedAssembly(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
            return pe.HasMetadata && pe.GetMetadataReader().IsAssembly;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    /// <summary>Runs <paramref name="notebook"/>.</summary>
    /// <exception cref="NotebookInputException">A directive or parameter is unusable; checked before any cell runs
    /// (a parameter value that does not fit its variable's type is found when the parameters cell has run).</exception>
    public static NotebookRun Run(NotebookDocument notebook, NotebookRunOptions? options = null)
    {
        options ??= new NotebookRunOptions();
        string folder = Path.GetDirectoryName(notebook.Path)!;
        var directives = notebook.Cells.Where(c => c.Kind == CellKind.Code)
            .ToDictionary(c => c.Index, c => CellDirectives.Parse(c, folder, options.Catalog));
        NotebookParameters.Validate(notebook, options.Parameters);
        var parametersCell = options.Parameters.Count > 0 ? NotebookParameters.FindCell(notebook) : null;
        int codeCount = directives.Count + (parametersCell is null ? 0 : 1);

        var session = new Session(notebook, folder, options, codeCount);
        var started = DateTimeOffset.Now;
        var clock = Stopwatch.StartNew();
        var runs = new List<CellRun>();
        TextWriter stdout = Console.Out, stderr = Console.Error;
        Console.SetOut(new CellConsoleWriter("stdout", () => session.Active, stdout));
        Console.SetError(new CellConsoleWriter("stderr", () => session.Active, stderr));
        try
        {
            foreach (var cell in notebook.Cells)
            {
                if (cell.Kind != CellKind.Code)
                    runs.Add(new CellRun(cell, CellStatus.NotCode, null, TimeSpan.Zero, []));
                else if (runs.Any(r => r.Status == CellStatus.Failed))
                    runs.Add(new CellRun(cell, CellStatus.Skipped, null, TimeSpan.Zero, []));
                else
                {
                    runs.Add(session.Execute(cell, directives[cell.Index]));
                    if (cell == parametersCell && runs[^1].Status == CellStatus.Succeeded)
                        runs.Add(session.Inject(cell, options.Parameters));
                }
            }
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
        return new NotebookRun(notebook, runs, options.Parameters, started, clock.Elapsed);
    }

    /// <summary>The shared scripting state of one run.</summary>
    private sealed class Session(NotebookDocument notebook, string folder, NotebookRunOptions options, int codeCount)
    {
        private NotebookGlobals? _globals;
        private ScriptOptions _options = ScriptOptions.Default
            .WithReferences(FrameworkReferences.Value)
            .WithImports(DefaultImports)
            .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(folder).WithSearchPaths(AppContext.BaseDirectory))
            .WithSourceResolver(new SourceFileResolver(ImmutableArray<string>.Empty, folder))
            .WithEmitDebugInformation(true)
            .WithFileEncoding(System.Text.Encoding.UTF8)
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithAllowUnsafe(true)
            .WithLanguageVersion(LanguageVersion.Latest);
        private ScriptState<object>? _state;
        private int _executionCount;
        private int _position;

        public CellOutputs? Active { get; private set; }

        private NotebookGlobals Globals => _globals ??= new NotebookGlobals(Display);

        public CellRun Execute(NotebookCell cell, CellDirectives directives, bool injected = false)
        {
            int position = ++_position;
            options.Progress?.Invoke(new CellProgress(position, codeCount, cell, null, TimeSpan.Zero));
            var outputs = new CellOutputs();
            Active = outputs;
            var clock = Stopwatch.StartNew();
            int count = ++_executionCount;
            bool ok = true;
            try
            {
                foreach (string note in directives.Notes) outputs.Write("stderr", note + "\n");
                _options = _options.AddReferences(directives.References)
                    .WithFilePath($"{notebook.Name}.ipynb:cell {(injected ? "parameters" : cell.Number.ToString())}");
                _state = _state is null
                    ? CSharpScript.Create(directives.Code, _options, typeof(NotebookGlobals)).RunAsync(Globals, catchException: _ => true).GetAwaiter().GetResult()
                    : _state.ContinueWithAsync(directives.Code, _options, catchException: _ => true).GetAwaiter().GetResult();
                if (_state.Exception is { } thrown)
                {
                    ok = false;
                    outputs.Add(FromException(thrown));
                }
                else if (HasTrailingExpression(directives.Code) && _state.ReturnValue is not null)
                {
                    outputs.Add(new DisplayOutput(NotebookDisplay.ToMimeBundle(_state.ReturnValue), IsResult: true));
                }
                if (ok && directives.ShowVariables) outputs.Add(VariablesTable(_state.Variables));
            }
            catch (CompilationErrorException e)
            {
                ok = false;
                outputs.Add(FromDiagnostics(e.Diagnostics));
            }
            finally
            {
                Active = null;
            }
            if (directives.Timed) outputs.Write("stdout", $"Wall time: {clock.Elapsed.TotalMilliseconds:F1}ms\n");
            var status = ok ? CellStatus.Succeeded : CellStatus.Failed;
            options.Progress?.Invoke(new CellProgress(position, codeCount, cell, status, clock.Elapsed));
            return new CellRun(cell, status, count, clock.Elapsed, outputs.Snapshot(), injected);
        }

        public CellRun Inject(NotebookCell parametersCell, IReadOnlyDictionary<string, string> overrides)
        {
            string code = NotebookParameters.Assignments(overrides, _state!.Variables);
            var json = new JsonObject
            {
                ["cell_type"] = "code",
                ["metadata"] = new JsonObject
                {
                    ["tags"] = new JsonArray(NotebookParameters.InjectedTag),
                    ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" },
                },
                ["source"] = code,
            };
            var cell = new NotebookCell(parametersCell.Index, CellKind.Code, code, [NotebookParameters.InjectedTag], json);
            return Execute(cell, new CellDirectives(code, [], [], false, false), injected: true);
        }

        private DisplayHandle Display(object? value, string[] mimeTypes)
        {
            var outputs = Active ?? throw new InvalidOperationException("display(...) was called while no cell is running.");
            int index = outputs.Add(new DisplayOutput(NotebookDisplay.ToMimeBundle(value, mimeTypes), IsResult: false));
            return new DisplayHandle(v => outputs.Replace(index, new DisplayOutput(NotebookDisplay.ToMimeBundle(v, mimeTypes), IsResult: false)));
        }
    }

    private static bool HasTrailingExpression(string code)
    {
        var root = CSharpSyntaxTree.ParseText(code, CSharpParseOptions.Default.WithKind(SourceCodeKind.Script)).GetRoot();
        return root.ChildNodes().LastOrDefault() is GlobalStatementSyntax { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } };
    }

    private static ErrorOutput FromDiagnostics(ImmutableArray<Diagnostic> diagnostics)
    {
        var lines = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d =>
        {
            var at = d.Location.GetLineSpan().StartLinePosition;
            string hint = d.Id == "CS7021" ? " (notebook cells are C# script: declare types without a namespace)" : "";
            return $"line {at.Line + 1}, column {at.Character + 1}: error {d.Id}: {d.GetMessage()}{hint}";
        }).ToList();
        return new ErrorOutput("CompilationError", $"{lines.Count} compilation error{(lines.Count == 1 ? "" : "s")}: {lines.FirstOrDefault()}", lines);
    }

    private static ErrorOutput FromException(Exception e)
    {
        while (e is TargetInvocationException { InnerException: { } inner }) e = inner;
        // Frames of the scripting engine itself say nothing about the notebook.
        var trace = e.ToString().Split('\n').Select(l => l.TrimEnd('\r'))
            .Where(l => !l.Contains("Microsoft.CodeAnalysis.Scripting", StringComparison.Ordinal)
                     && !l.Contains("System.Runtime.CompilerServices.TaskAwaiter", StringComparison.Ordinal)
                     && !l.Contains("System.Runtime.ExceptionServices", StringComparison.Ordinal)
                     && !l.Contains("End of stack trace from previous location", StringComparison.Ordinal))
            .ToList();
        return new ErrorOutput(e.GetType().Name, e.Message, trace);
    }

    private static DisplayOutput VariablesTable(ImmutableArray<ScriptVariable> variables)
    {
        var rows = variables.GroupBy(v => v.Name).Select(g => g.Last())
            .Select(v => (v.Name, $"{v.Type.Name} = {Shorten(v.Value?.ToString() ?? "null")}"));
        return new DisplayOutput(new Dictionary<string, string>
        {
            ["text/html"] = NotebookDisplay.Table(rows),
            ["text/plain"] = string.Join("\n", rows.Select(r => $"{r.Item1}: {r.Item2}")),
        }, IsResult: false);

        static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "...";
    }
}
