using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Workbench.Models.Layers;

/// <summary>
/// The Gaussian point readout of Lurz et al. 2021 (neuralpredictors' <c>FullGaussian2d</c>): each cell reads the maps
/// <c>(B, C, H, W)</c> at one learned location µ_n, bilinearly interpolated, and weights the C features there:
/// y_n = Σ_c f_nc · x_c(µ_n) + b_n. In training the location is drawn per sample as µ + σ·ε, ε ~ N(0, I) (the
/// reparameterisation trick), so the gradient reaches both µ and σ and a cell explores around its location; in evaluation it
/// is read at µ, deterministically. Per cell 2 + (1, 2 or 4) + C + 1 parameters (isotropic, axis-aligned, full; with bias).
/// </summary>
/// <remarks>
/// <para>Locations are in <c>grid_sample</c> coordinates with <c>align_corners</c>: (x, y) ∈ [−1, 1]², x along the
/// columns, −1 the centre of the first map position and 1 of the last; µ is clamped to that square at every training
/// call and the sampled points too (<see cref="Locations"/> gives them in map rows and columns). Features start at 1/C,
/// µ uniform within ±<c>initMuRange</c>, σ at <c>initSigma</c> (the full square root: its diagonal).</para>
/// <para>Regulariser: <see cref="FeatureL1"/>·mean_n Σ_c |f_nc| (a mean over cells, so the weight carries over between
/// recordings of different sizes).</para>
/// </remarks>
public sealed class GaussianReadout : PerCellReadout
{
    private readonly Parameter mu;        // (N, 2): x (column), y (row)
    private readonly Parameter sigma;     // (N, 1) | (N, 2) | (N, 2, 2)
    private readonly Parameter features;  // (N, C)

    /// <summary>Creates the readout; µ is drawn from the global generator.</summary>
    public GaussianReadout(int channels, int height, int width, int cells, GaussianShape shape = GaussianShape.Isotropic, bool hasBias = true,
        double initMuRange = 0.1, double initSigma = 0.2, double featureL1 = 0.01, string name = "readout") : base("Gaussian", channels, height, width, cells, hasBias, name)
    {
        if (initMuRange is < 0 or > 1) throw new ArgumentException($"initMuRange must be in [0, 1] (grid coordinates); got {initMuRange}.", nameof(initMuRange));
        if (initSigma <= 0) throw new ArgumentException($"initSigma must be positive; got {initSigma}.", nameof(initSigma));
        if (featureL1 < 0) throw new ArgumentException($"featureL1 must be ≥ 0; got {featureL1}.", nameof(featureL1));
        Shape = shape; FeatureL1 = featureL1;
        mu = Parameters.Of((torch.rand(cells, 2) * 2 - 1) * initMuRange);
        sigma = Parameters.Of(shape switch
        {
            GaussianShape.Isotropic => torch.full(cells, 1, initSigma),
            GaussianShape.AxisAligned => torch.full(cells, 2, initSigma),
            _ => torch.eye(2).unsqueeze(0).repeat(cells, 1, 1) * initSigma,
        });
        features = Parameters.Of(torch.full(cells, channels, 1.0 / channels));
        RegisterComponents();
    }

    /// <summary>The spread's form.</summary>
    public GaussianShape Shape { get; }
    /// <summary>Weight of the feature L1.</summary>
    public double FeatureL1 { get; }

    /// <inheritdoc/>
    public override long ParametersPerCell => 2 + Shape switch { GaussianShape.Isotropic => 1, GaussianShape.AxisAligned => 2, _ => 4 } + Channels + BiasParameters;

    /// <summary>The learned locations µ, (N, 2) as (x, y) in grid coordinates.</summary>
    public Tensor Mu => mu;

    /// <summary>The learned spread parameter: (N, 1), (N, 2) or (N, 2, 2) as <see cref="Shape"/>.</summary>
    public Tensor Sigma => sigma;

    /// <summary>The feature weights, (N, C).</summary>
    public Tensor Features => features;

    /// <summary>Each cell's location in map coordinates, (N, 2) as (row, column), 0 the first map position.</summary>
    public Tensor Locations()
    {
        using var _ = torch.no_grad();
        var m = mu.detach().clamp(-1, 1);
        return torch.stack([(m[.., 1] + 1) / 2 * (Height - 1), (m[.., 0] + 1) / 2 * (Width - 1)], 1);
    }

    /// <summary>Places each cell's µ at <paramref name="locations"/> (N, 2) as (row, column) in map coordinates (clamped to
    /// the map): a start from estimated receptive-field centres instead of the middle (openretina's <c>init_grid</c>).</summary>
    /// <exception cref="ArgumentException">Not one location per cell.</exception>
    public void InitialiseLocations(Tensor locations)
    {
        if (locations.dim() != 2 || locations.shape[0] != Cells || locations.shape[1] != 2)
            throw new ArgumentException($"Give (row, column) for each of the {Cells} cells, (N, 2); got [{string.Join(", ", locations.shape)}].", nameof(locations));
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var l = locations.to(mu.dtype).to(mu.device);
        var x = l[.., 1] / Math.Max(Width - 1, 1) * 2 - 1;
        var y = l[.., 0] / Math.Max(Height - 1, 1) * 2 - 1;
        mu.copy_(torch.stack([x, y], 1).clamp(-1, 1));
    }

    /// <summary>Each cell's sampling covariance in map coordinates, (N, 2, 2) over (row, column).</summary>
    public Tensor Covariances()
    {
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var root = Shape switch
        {
            GaussianShape.Isotropic => torch.eye(2).unsqueeze(0) * sigma.detach().view(-1, 1, 1),
            GaussianShape.AxisAligned => torch.diag_embed(sigma.detach()),
            _ => sigma.detach(),
        }; // over (x, y) grid units
        // (x, y) → (row, column): swap the axes; one grid unit is (size − 1) / 2 map positions along each.
        var swap = torch.tensor(new float[,] { { 0, 1 }, { 1, 0 } }).to(root.dtype);
        var scale = torch.diag(torch.tensor(new float[] { (Height - 1) / 2f, (Width - 1) / 2f })).to(root.dtype);
        var s = scale.matmul(swap).matmul(root);
        return s.matmul(s.transpose(1, 2)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        CheckMaps(input);
        if (training)
            using (torch.no_grad()) mu.clamp_(-1, 1);
        using var scope = torch.NewDisposeScope();
        long b = input.shape[0];
        var centre = mu.to(input.dtype).unsqueeze(0); // (1, N, 2)
        Tensor grid;
        if (training)
        {
            var epsilon = torch.randn(b, Cells, 2, dtype: input.dtype, device: input.device);
            var s = sigma.to(input.dtype);
            // Isotropic (N, 1) and axis-aligned (N, 2) spreads scale ε by broadcasting; a full one is a matrix per cell.
            var step = Shape == GaussianShape.Full ? torch.einsum("nij,bnj->bni", s, epsilon) : s.unsqueeze(0) * epsilon;
            grid = (centre + step).clamp(-1, 1);
        }
        else grid = centre.expand(b, Cells, 2);
        var sampled = nn.functional.grid_sample(input, grid.unsqueeze(2), align_corners: true).squeeze(3); // (B, C, N)
        return WithBias(torch.einsum("bcn,nc->bn", sampled, features.to(input.dtype))).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Tensor Regularisation()
    {
        using var scope = torch.NewDisposeScope();
        return (FeatureL1 * features.abs().sum(1).mean()).MoveToOuterDisposeScope();
    }

}
