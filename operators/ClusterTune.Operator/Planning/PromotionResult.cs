using ClusterTune.Api.V1Alpha1;
using k8s.Models;

namespace ClusterTune.Operator.Planning;

/// <summary>The outcome of copying the best checkpoint to the promote path and pruning the others.</summary>
public sealed record PromotionResult(bool Succeeded, string? PromotedUri, string? Sha256, IReadOnlyList<RetainedCheckpoint>? Retained, string? Message = null);
