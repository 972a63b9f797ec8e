using k8s.Models;
namespace ClusterTune.Operator.Planning;

/// <summary>A Kubernetes Event a planner wants recorded; <paramref name="TrialName"/> null means on the job itself.</summary>
public sealed record PlannedEvent(string Type, string Reason, string Message, string? TrialName = null);
