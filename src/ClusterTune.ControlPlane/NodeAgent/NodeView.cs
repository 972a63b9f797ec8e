using k8s;
using k8s.Models;

namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>What scheduling needs to know about the node: labels, taints, cordon and allocatable resources.</summary>
internal sealed record NodeView(
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<V1Taint> Taints,
    bool Unschedulable,
    IReadOnlyDictionary<string, decimal> Allocatable,
    int MaxPods);
