using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;

namespace Workbench.Cli.Notebooks;

/// <summary>
/// Papermill-style parameters: the first code cell tagged <c>parameters</c> declares variables with defaults;
/// <c>--param name=value</c> and <c>--quick</c> (<c>quick=true</c>) override them through an injected cell that runs
/// right after it.
/// </summary>
public static class NotebookParameters
{
    /// <summary>The tag that marks the parameters cell.</summary>
    public const string Tag = "parameters";

    /// <summary>The tag the runner puts on the cell it injects.</summary>
    public const string InjectedTag = "injected-parameters";

    /// <summary>Turns <c>name=value</c> arguments (and <c>--quick</c>) into an ordered set of overrides.</summary>
    /// <exception cref="NotebookInputException">An argument is not of the form name=value, or names a variable twice.</exception>
    public static IReadOnlyDictionary<string, string> ParseOverrides(IEnumerable<string> assignments, bool quick)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (quick) result["quick"] = "true";
        foreach (string a in assignments)
        {
            int eq = a.IndexOf('=');
            string name = eq > 0 ? a[..eq].Trim() : "";
            if (eq <= 0 || !SyntaxFacts.IsValidIdentifier(name))
                throw new NotebookInputException($"--param '{a}': expected name=value with name a C# identifier.");
            if (!result.TryAdd(name, a[(eq + 1)..]))
                throw new NotebookInputException($"--param '{a}': '{name}' is set twice.");
        }
        return result;
    }

    /// <summary>The parameters cell: the first code cell tagged <see cref="Tag"/>, if any.</summary>
    public static NotebookCell? FindCell(NotebookDocument notebook) =>
        notebook.Cells.FirstOrDefault(c => c.Kind == CellKind.Code && c.Tags.Contains(Tag));

    /// <summary>The variables the parameters cell declares at top level, in order.</summary>
    public static IReadOnlyList<string> DeclaredNames(NotebookCell cell)
    {
        var root = CSharpSyntaxTree.ParseText(cell.Source, CSharpParseOptions.Default.WithKind(SourceCodeKind.Script)).GetRoot();
        var fields = root.ChildNodes().OfType<FieldDeclarationSyntax>().SelectMany(f => f.Declaration.Variables);
        var locals = root.ChildNodes().OfType<GlobalStatementSyntax>().Select(g => g.Statement)
            .OfType<LocalDeclarationStatementSyntax>().SelectMany(l => l.Declaration.Variables);
        return fields.Concat(locals).Select(v => v.Identifier.ValueText).Distinct().ToList();
    }

    /// <summary>Checks that every override names a variable of the parameters cell, before anything runs.</summary>
    /// <exception cref="NotebookInputException">Overrides were given but there is no parameters cell, or one names no declared variable.</exception>
    public static void Validate(NotebookDocument notebook, IReadOnlyDictionary<string, string> overrides)
    {
        if (overrides.Count == 0) return;
        var cell = FindCell(notebook) ?? throw new NotebookInputException(
            $"{notebook.Path}: has no code cell tagged '{Tag}', so --param/--quick ({string.Join(", ", overrides.Keys)}) cannot be applied.");
        var declared = DeclaredNames(cell);
        foreach (string name in overrides.Keys.Where(n => !declared.Contains(n)))
            throw new NotebookInputException(
                $"{notebook.Path}: --param {name}: the parameters cell (cell {cell.Number}) declares no '{name}'; it declares: {string.Join(", ", declared)}.");
    }

    /// <summary>
    /// C# assignments that apply the overrides, each value converted to the declared variable's type
    /// (bool, whole and real numbers, string, char, enum, and nullable forms of these).
    /// </summary>
    /// <exception cref="NotebookInputException">A value cannot be converted to its variable's type.</exception>
    public static string Assignments(IReadOnlyDictionary<string, string> overrides, IEnumerable<ScriptVariable> variables)
    {
        var byName = variables.GroupBy(v => v.Name).ToDictionary(g => g.Key, g => g.Last().Type);
        var code = new StringBuilder("// Parameters injected by `workbench notebook run`\n");
        foreach (var (name, value) in overrides)
        {
            if (!byName.TryGetValue(name, out var type))
                throw new NotebookInputException($"--param {name}: the parameters cell did not define '{name}' when it ran.");
            code.Append(name).Append(" = ").Append(Literal(name, value, type)).Append(";\n");
        }
        return code.ToString();
    }

    private static string Literal(string name, string value, Type type)
    {
        string Fail(string expected) =>
            throw new NotebookInputException($"--param {name}={value}: '{value}' is not {expected} (the variable is {TypeName(type)}).");

        var inv = CultureInfo.InvariantCulture;
        if (Nullable.GetUnderlyingType(type) is { } inner)
            return value.Trim() == "null" ? "null" : Literal(name, value, inner);
        if (type == typeof(string)) return SymbolDisplay.FormatLiteral(value, quote: true);
        string v = value.Trim();
        if (type == typeof(bool)) return bool.TryParse(v, out bool b) ? (b ? "true" : "false") : Fail("true or false");
        if (type == typeof(int)) return int.TryParse(v, NumberStyles.Integer, inv, out int i) ? i.ToString(inv) : Fail("a whole number");
        if (type == typeof(long)) return long.TryParse(v, NumberStyles.Integer, inv, out long l) ? l.ToString(inv) + "L" : Fail("a whole number");
        if (type == typeof(double))
            return double.TryParse(v, NumberStyles.Float, inv, out double d) && double.IsFinite(d) ? d.ToString("R", inv) + "d" : Fail("a finite number");
        if (type == typeof(float))
            return float.TryParse(v, NumberStyles.Float, inv, out float f) && float.IsFinite(f) ? f.ToString("R", inv) + "f" : Fail("a finite number");
        if (type == typeof(decimal)) return decimal.TryParse(v, NumberStyles.Float, inv, out decimal m) ? m.ToString(inv) + "m" : Fail("a number");
        if (type == typeof(char)) return value.Length == 1 ? SymbolDisplay.FormatLiteral(value[0], quote: true) : Fail("a single character");
        if (type.IsEnum)
            return Enum.TryParse(type, v, ignoreCase: true, out var e) && Enum.IsDefined(type, e!)
                ? $"{TypeName(type)}.{e}"
                : Fail($"one of {string.Join(", ", Enum.GetNames(type))}");
        throw new NotebookInputException(
            $"--param {name}: the variable is {TypeName(type)}; --param sets bool, number, string, char and enum variables only.");
    }

    /// <summary>How later cells spell a type: types declared in earlier cells by their plain name, others in full.</summary>
    private static string TypeName(Type type) =>
        type.DeclaringType?.Name.StartsWith("Submission#", StringComparison.Ordinal) == true
            ? type.Name
            : "global::" + (type.FullName ?? type.Name).Replace('+', '.');
}
