using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ClusterTune.Kubernetes;

/// <summary>Reads what an API error means: KubernetesClient throws HttpOperationException with the raw response.</summary>
public static class ApiErrors
{
    /// <summary>The HTTP status of a failed call, or null when the exception is not an API response.</summary>
    public static HttpStatusCode? StatusCode(this Exception e) => (e as HttpOperationException)?.Response?.StatusCode;

    public static bool IsNotFound(this Exception e) => e.StatusCode() == HttpStatusCode.NotFound;

    public static bool IsGone(this Exception e) => e.StatusCode() == HttpStatusCode.Gone;

    /// <summary>409 AlreadyExists: a create found the name taken.</summary>
    public static bool IsAlreadyExists(this Exception e) => e.StatusCode() == HttpStatusCode.Conflict && e.Status()?.Reason == "AlreadyExists";

    /// <summary>409 other than AlreadyExists: a stale resourceVersion, or a field-manager conflict.</summary>
    public static bool IsConflict(this Exception e) => e.StatusCode() == HttpStatusCode.Conflict && e.Status()?.Reason != "AlreadyExists";

    public static bool IsInvalid(this Exception e) => e.StatusCode() == HttpStatusCode.UnprocessableEntity;

    /// <summary>True when any cause has this reason (e.g. ResourceVersionTooLarge, FieldManagerConflict).</summary>
    public static bool HasCause(this Exception e, string reason) => e.Status()?.Details?.Causes?.Any(c => c.Reason == reason) == true;

    /// <summary>The server's metav1.Status body, when it sent one.</summary>
    public static V1Status? Status(this Exception e)
    {
        if (e is KubernetesException k)
        {
            return k.Status;
        }

        if (e is not HttpOperationException { Response.Content: { Length: > 0 } text } || !text.TrimStart().StartsWith('{'))
        {
            return null;
        }

        try
        {
            var s = KubernetesJson.Deserialize<V1Status>(text);
            return s?.Kind == "Status" ? s : null;
        }
        catch (JsonException)
        {
            return null; // a proxy's error page, not a Status
        }
    }

    /// <summary>One line for logs and CLI errors: "404 NotFound: trials.clustertune.io "x" not found (field: message)".</summary>
    public static string Describe(this Exception e)
    {
        if (e.Status() is not { } s)
        {
            return e.StatusCode() is { } code ? $"{(int)code} {code}" : e.Message;
        }

        var causes = s.Details?.Causes is { Count: > 0 } c
            ? " (" + string.Join("; ", c.Select(x => $"{x.Field}: {x.Message}".Trim(' ', ':'))) + ")"
            : "";
        return $"{s.Code} {s.Reason}: {s.Message}{causes}";
    }
}
