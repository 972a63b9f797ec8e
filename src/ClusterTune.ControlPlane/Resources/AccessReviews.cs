using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Http;
using ClusterTune.ControlPlane.Json;

namespace ClusterTune.ControlPlane.Resources;

/// <summary>
/// authorization.k8s.io/v1 self reviews (<c>kubectl auth can-i</c>, client permission probes). The embedded server
/// has no authorization layer, so every review answers allowed; nothing is stored (create-only, like the real ones).
/// </summary>
internal static class AccessReviews
{
    public const string Group = "authorization.k8s.io";

    private const string Reason = "the embedded ClusterTune API server has no authorization layer: it allows every request";

    public static IEnumerable<ResourceType> Types()
    {
        yield return Review("selfsubjectaccessreviews", "selfsubjectaccessreview", "SelfSubjectAccessReview");
        yield return Review("selfsubjectrulesreviews", "selfsubjectrulesreview", "SelfSubjectRulesReview");
    }

    private static ResourceType Review(string plural, string singular, string kind) => new()
    {
        Group = Group,
        Version = "v1",
        Plural = plural,
        Singular = singular,
        Kind = kind,
        Namespaced = false,
        Verbs = ["create"],
    };

    /// <summary>The review with its status filled in (the body is the request as sent).</summary>
    public static JsonObject Answer(ResourceType type, JsonObject review)
    {
        var spec = review["spec"] as JsonObject ?? new JsonObject();
        JsonObject status;
        if (type.Kind == "SelfSubjectAccessReview")
        {
            var hasResource = spec["resourceAttributes"] is JsonObject;
            var hasNonResource = spec["nonResourceAttributes"] is JsonObject;
            if (hasResource == hasNonResource)
            {
                var message = hasResource
                    ? "Invalid value: \"resourceAttributes\": cannot be specified in combination with resourceAttributes"
                    : "Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified";
                var field = hasResource ? "spec.nonResourceAttributes" : "spec.resourceAttributes";
                throw Errors.Invalid(type, "", [new StatusCause("FieldValueInvalid", message, field)], useKind: true);
            }

            status = new JsonObject { ["allowed"] = true, ["reason"] = Reason };
        }
        else
        {
            status = new JsonObject
            {
                ["resourceRules"] = new JsonArray(new JsonObject
                {
                    ["verbs"] = new JsonArray("*"),
                    ["apiGroups"] = new JsonArray("*"),
                    ["resources"] = new JsonArray("*"),
                }),
                ["nonResourceRules"] = new JsonArray(new JsonObject
                {
                    ["verbs"] = new JsonArray("*"),
                    ["nonResourceURLs"] = new JsonArray("*"),
                }),
                ["incomplete"] = false,
            };
        }

        var meta = review["metadata"] as JsonObject ?? new JsonObject();
        meta["creationTimestamp"] = null;
        return new JsonObject
        {
            ["kind"] = type.Kind,
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = meta.DeepClone(),
            ["spec"] = spec.DeepClone(),
            ["status"] = status,
        };
    }
}
