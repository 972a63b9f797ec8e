namespace ClusterTune.Kubernetes.Models;

/// <summary>metav1.StatusReason values the client acts on.</summary>
public static class StatusReasons
{
    public const string NotFound = "NotFound";
    public const string AlreadyExists = "AlreadyExists";
    public const string Conflict = "Conflict";
    public const string Invalid = "Invalid";
    public const string Expired = "Expired";
    public const string Gone = "Gone";
    public const string Forbidden = "Forbidden";
    public const string Unauthorized = "Unauthorized";
    public const string Timeout = "Timeout";
    public const string TooManyRequests = "TooManyRequests";
    public const string ServiceUnavailable = "ServiceUnavailable";
    public const string UnsupportedMediaType = "UnsupportedMediaType";
    public const string BadRequest = "BadRequest";
    /// <summary>A cause reason: a list or watch asked for a resourceVersion the server has not reached.</summary>
    public const string ResourceVersionTooLarge = "ResourceVersionTooLarge";
}
