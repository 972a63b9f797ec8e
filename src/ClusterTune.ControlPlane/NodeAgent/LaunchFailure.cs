namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>Why a container cannot start; <paramref name="Waiting"/> ones never got as far as a process (kubelet shows them as waiting).</summary>
internal sealed record LaunchFailure(string Reason, string Message, bool Waiting);
