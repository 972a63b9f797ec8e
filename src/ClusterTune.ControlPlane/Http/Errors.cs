using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Resources;

namespace ClusterTune.ControlPlane.Http;

/// <summary>Builds the exact Status bodies a kube-apiserver returns (shapes recorded in shared/k8s-api).</summary>
internal static class Errors
{
    public static JsonObject Status(int code, string reason, string message, JsonObject? details)
    {
        var o = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null)
        {
            o["details"] = details;
        }

        o["code"] = code;
        return o;
    }

    public static JsonObject Success(ResourceType type, string name, string? uid)
    {
        var details = Details(type, name, useKind: false);
        if (uid is not null)
        {
            details["uid"] = uid;
        }

        return new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        };
    }

    public static JsonObject Details(ResourceType type, string? name, bool useKind)
    {
        var d = new JsonObject();
        if (name is not null)
        {
            d["name"] = name;
        }

        if (type.Group != "")
        {
            d["group"] = type.Group;
        }

        d["kind"] = useKind ? type.Kind : type.Plural;
        return d;
    }

    public static ApiException NotFound(ResourceType type, string name) =>
        new(404, Status(404, "NotFound", $"{type.QualifiedResource} \"{name}\" not found", Details(type, name, false)));

    public static ApiException PathNotFound() =>
        new(404, Status(404, "NotFound", "the server could not find the requested resource", new JsonObject()));

    public static ApiException AlreadyExists(ResourceType type, string name) =>
        new(409, Status(409, "AlreadyExists", $"{type.QualifiedResource} \"{name}\" already exists", Details(type, name, false)));

    public static ApiException Conflict(ResourceType type, string name) =>
        new(409, Status(409, "Conflict",
            $"Operation cannot be fulfilled on {type.QualifiedResource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            Details(type, name, false)));

    public static ApiException ConflictMessage(ResourceType type, string name, string message, bool useKind) =>
        new(409, Status(409, "Conflict", message, Details(type, name, useKind)));

    public static ApiException Invalid(ResourceType type, string name, IReadOnlyList<StatusCause> causes, bool useKind)
    {
        var qualified = useKind ? type.QualifiedKind : type.QualifiedResource;
        var details = Details(type, name, useKind);
        details["causes"] = CauseArray(causes);
        return new ApiException(422, Status(422, "Invalid", $"{qualified} \"{name}\" is invalid: {Summary(causes)}", details));
    }

    /// <summary>
    /// 422 for invalid query options, e.g. <c>CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ...</c>
    /// (handlers validate CreateOptions, UpdateOptions, PatchOptions and DeleteOptions this way).
    /// </summary>
    public static ApiException InvalidOptions(string optionsKind, IReadOnlyList<StatusCause> causes)
    {
        var details = new JsonObject { ["group"] = "meta.k8s.io", ["kind"] = optionsKind, ["causes"] = CauseArray(causes) };
        return new ApiException(422, Status(422, "Invalid", $"{optionsKind}.meta.k8s.io \"\" is invalid: {Summary(causes)}", details));
    }

    /// <summary>Like field.ErrorList.ToAggregate(): identical messages are reported once, brackets only for several.</summary>
    private static string Summary(IReadOnlyList<StatusCause> causes)
    {
        var distinct = causes.Select(c => $"{c.Field}: {c.Message}").Distinct().ToList();
        return distinct.Count == 1 ? distinct[0] : "[" + string.Join(", ", distinct) + "]";
    }

    public static JsonArray CauseArray(IEnumerable<StatusCause> causes)
    {
        var arr = new JsonArray();
        foreach (var c in causes)
        {
            var o = new JsonObject { ["reason"] = c.Reason, ["message"] = c.Message };
            if (c.Field is not null)
            {
                o["field"] = c.Field;
            }

            arr.Add(o);
        }

        return arr;
    }

    public static ApiException PatchRejected() =>
        new(422, Status(422, "Invalid", "the server rejected our request due to an error in our request", new JsonObject()));

    public static ApiException BadRequest(string message) =>
        new(400, Status(400, "BadRequest", message, null));

    public static ApiException MethodNotAllowed() =>
        new(405, Status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", new JsonObject()));

    public static ApiException UnsupportedPatch(bool allowStrategic)
    {
        var accepted = allowStrategic
            ? "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json"
            : "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml";
        return new ApiException(415, Status(415, "UnsupportedMediaType",
            $"the body of the request was in an unknown format - accepted media types include: {accepted}", null));
    }

    public static ApiException ListExpired() =>
        new(410, Status(410, "Expired", "The resourceVersion for the provided list is too old.", null));

    public static JsonObject WatchExpiredStatus() =>
        Status(410, "Expired", "The resourceVersion for the provided watch is too old.", null);

    /// <summary>The watch cache's 410 for a watch from before its window (<c>oldest</c> is the newest version it dropped).</summary>
    public static JsonObject WatchTooOld(long requested, long oldest) =>
        Status(410, "Expired", $"too old resource version: {requested} ({oldest})", null);

    public static ApiException ContinueExpired() =>
        new(410, Status(410, "Expired",
            "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
            null));

    public static ApiException TooLargeResourceVersion(long requested, long current)
    {
        var details = new JsonObject
        {
            ["causes"] = CauseArray([new StatusCause("ResourceVersionTooLarge", "Too large resource version", null)]),
            ["retryAfterSeconds"] = 1,
        };
        return new ApiException(504, Status(504, "Timeout",
            $"Timeout: Too large resource version: {requested}, current: {current}", details), TimeSpan.FromSeconds(1));
    }

    public static ApiException NamespaceTerminating(ResourceType type, string name, string ns)
    {
        var details = new JsonObject { ["name"] = name };
        if (type.Group != "")
        {
            details["group"] = type.Group;
        }

        details["kind"] = type.Plural;
        details["causes"] = CauseArray([new StatusCause("NamespaceTerminating", $"namespace {ns} is being terminated", "metadata.namespace")]);
        return new ApiException(403, Status(403, "Forbidden",
            $"{type.QualifiedResource} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
            details));
    }

    public static ApiException Unauthorized() =>
        new(401, Status(401, "Unauthorized", "Unauthorized", null));
}
