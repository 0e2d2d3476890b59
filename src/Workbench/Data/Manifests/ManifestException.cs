namespace Workbench.Data.Manifests;

/// <summary>A manifest is unreadable or invalid; the message names the file and the field at fault.</summary>
public sealed class ManifestException(string message, Exception? inner = null) : Exception(message, inner);
