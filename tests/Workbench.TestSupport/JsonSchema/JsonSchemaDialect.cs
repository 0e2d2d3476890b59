namespace Workbench.TestSupport.JsonSchema;

/// <summary>The JSON Schema drafts <see cref="JsonSchemaValidator"/> implements (the subset of keywords our schemas use).</summary>
public enum JsonSchemaDialect
{
    /// <summary>Draft 4 (Jupyter's nbformat schemas): <c>$ref</c> replaces its siblings; an integer is a number written without a fraction or exponent.</summary>
    Draft04,

    /// <summary>Draft 2020-12 (data-manifests/schema.json): <c>$ref</c> applies beside its siblings; an integer is any number with no fractional part.</summary>
    Draft202012,
}
