using System.Net;
using ClusterTune.Kubernetes.Models;

namespace ClusterTune.Kubernetes;

/// <summary>An API call failed with an HTTP error; carries the status code and the parsed metav1.Status.</summary>
public class KubernetesApiException : Exception
{
    public KubernetesApiException(HttpStatusCode statusCode, Status status, string method, string path)
        : base(FormatMessage(statusCode, status, method, path))
    {
        StatusCode = statusCode;
        Status = status;
    }

    public HttpStatusCode StatusCode { get; }

    /// <summary>The server's Status body (synthesized from the HTTP status when the body was not a Status).</summary>
    public Status Status { get; }

    public string? Reason => Status.Reason;

    public IReadOnlyList<StatusCause> Causes => Status.Details?.Causes ?? (IReadOnlyList<StatusCause>)Array.Empty<StatusCause>();

    /// <summary>True when any cause has this reason (e.g. ResourceVersionTooLarge, FieldManagerConflict).</summary>
    public bool HasCause(string reason) => Causes.Any(c => c.Reason == reason);

    /// <summary>Builds the most specific exception type for a status code and body.</summary>
    public static KubernetesApiException Create(HttpStatusCode code, Status status, string method, string path) =>
        (int)code switch
        {
            404 => new NotFoundException(code, status, method, path),
            409 when status.Reason == StatusReasons.AlreadyExists => new AlreadyExistsException(code, status, method, path),
            409 => new ConflictException(code, status, method, path),
            410 => new GoneException(code, status, method, path),
            422 => new InvalidException(code, status, method, path),
            _ => new KubernetesApiException(code, status, method, path),
        };

    private static string FormatMessage(HttpStatusCode code, Status status, string method, string path)
    {
        var causes = status.Details?.Causes is { Count: > 0 } c
            ? " (" + string.Join("; ", c.Select(x => $"{x.Field}: {x.Message}".Trim(' ', ':'))) + ")"
            : "";
        return $"{method} {path} failed with {(int)code} {status.Reason}: {status.Message}{causes}";
    }
}
