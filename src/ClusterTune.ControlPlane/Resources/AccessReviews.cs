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

    public const string ProtobufMediaType = "application/vnd.kubernetes.protobuf";

    // Protobuf field numbers (k8s.io/api/authorization/v1/generated.proto) of the fields a review carries, as
    // (message, field number) -> (JSON name, nested message or null for a string).
    private static readonly Dictionary<(string Message, int Field), (string Name, string? Message)> ProtoFields = new()
    {
        [("Review", 2)] = ("spec", "Spec"),
        [("RulesReview", 2)] = ("spec", "RulesSpec"),
        [("Spec", 1)] = ("resourceAttributes", "ResourceAttributes"),
        [("Spec", 2)] = ("nonResourceAttributes", "NonResourceAttributes"),
        [("RulesSpec", 1)] = ("namespace", null),
        [("ResourceAttributes", 1)] = ("namespace", null),
        [("ResourceAttributes", 2)] = ("verb", null),
        [("ResourceAttributes", 3)] = ("group", null),
        [("ResourceAttributes", 4)] = ("version", null),
        [("ResourceAttributes", 5)] = ("resource", null),
        [("ResourceAttributes", 6)] = ("subresource", null),
        [("ResourceAttributes", 7)] = ("name", null),
        [("NonResourceAttributes", 1)] = ("path", null),
        [("NonResourceAttributes", 2)] = ("verb", null),
    };

    /// <summary>
    /// Decodes a review sent as protobuf (kubectl auth can-i does; its typed client prefers protobuf for built-in
    /// kinds): the "k8s\0" envelope, a runtime.Unknown whose field 2 is the review. Unknown fields are skipped.
    /// </summary>
    public static JsonObject FromProtobuf(ResourceType type, byte[] body)
    {
        if (body.Length < 4 || body[0] != 'k' || body[1] != '8' || body[2] != 's' || body[3] != 0)
        {
            throw Errors.BadRequest($"a {ProtobufMediaType} body must start with the \"k8s\\x00\" envelope");
        }

        var raw = ProtoMessage(body.AsMemory(4)).FirstOrDefault(f => f.Field == 2).Bytes;
        return Decode(raw, type.Kind == "SelfSubjectRulesReview" ? "RulesReview" : "Review");
    }

    private static JsonObject Decode(ReadOnlyMemory<byte> data, string message)
    {
        var o = new JsonObject();
        foreach (var (field, bytes) in ProtoMessage(data))
        {
            if (ProtoFields.TryGetValue((message, field), out var f))
            {
                o[f.Name] = f.Message is null ? System.Text.Encoding.UTF8.GetString(bytes.Span) : Decode(bytes, f.Message);
            }
        }

        return o;
    }

    /// <summary>The length-delimited fields of a protobuf message (varint and fixed-width fields are skipped).</summary>
    private static List<(int Field, ReadOnlyMemory<byte> Bytes)> ProtoMessage(ReadOnlyMemory<byte> data)
    {
        var fields = new List<(int, ReadOnlyMemory<byte>)>();
        var span = data.Span;
        var i = 0;
        ulong Varint(ReadOnlySpan<byte> s)
        {
            ulong v = 0;
            for (var shift = 0; i < s.Length; shift += 7)
            {
                var b = s[i++];
                v |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80)
                {
                    return v;
                }
            }

            throw Errors.BadRequest("truncated protobuf body");
        }

        while (i < span.Length)
        {
            var key = Varint(span);
            switch (key & 7)
            {
                case 0:
                    Varint(span);
                    break;
                case 1:
                    i += 8;
                    break;
                case 5:
                    i += 4;
                    break;
                case 2:
                    var length = (int)Varint(span);
                    if (i + length > span.Length)
                    {
                        throw Errors.BadRequest("truncated protobuf body");
                    }

                    fields.Add(((int)(key >> 3), data.Slice(i, length)));
                    i += length;
                    break;
                default:
                    throw Errors.BadRequest($"unsupported protobuf wire type {key & 7}");
            }
        }

        return fields;
    }

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
