namespace ClusterTune.ControlPlane.Logs;

/// <summary>Supplies container logs for <c>GET .../pods/NAME/log</c> (implemented by the node agent).</summary>
public interface IPodLogProvider
{
    /// <summary>
    /// Writes the requested log to <paramref name="destination"/>; returns false when no log exists for that container
    /// (the server then answers 400 like a kubelet whose container has not started). With <c>Follow</c>, keep writing
    /// until the container ends or <paramref name="cancellationToken"/> fires.
    /// </summary>
    Task<bool> TryWriteLogAsync(PodLogRequest request, Stream destination, CancellationToken cancellationToken);
}
