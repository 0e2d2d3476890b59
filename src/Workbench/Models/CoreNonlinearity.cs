using System.Text.Json.Serialization;

namespace Workbench.Models;

/// <summary>The nonlinearity after each convolutional core layer's batch norm (and noise).</summary>
[JsonConverter(typeof(JsonStringEnumConverter))]
public enum CoreNonlinearity
{
    /// <summary>max(0, x): the BN-CNN's (layers named relu1, relu2, …).</summary>
    Relu,
    /// <summary>x for x &gt; 0, eˣ − 1 otherwise: openretina's cores (layers named elu1, elu2, …).</summary>
    Elu,
}
