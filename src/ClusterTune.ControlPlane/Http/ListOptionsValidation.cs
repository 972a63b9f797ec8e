using Microsoft.AspNetCore.Http;

namespace ClusterTune.ControlPlane.Http;

/// <summary>
/// kube-apiserver's ValidateListOptions (apimachinery meta/internalversion/validation) for lists and watches:
/// invalid combinations of resourceVersion, resourceVersionMatch, continue and sendInitialEvents answer
/// 422 <c>ListOptions.meta.k8s.io "" is invalid: ...</c>.
/// </summary>
internal static class ListOptionsValidation
{
    public const string Exact = "Exact";
    public const string NotOlderThan = "NotOlderThan";

    /// <summary>Validates the query; returns sendInitialEvents (null when not given).</summary>
    public static bool? Validate(IQueryCollection query, bool watch)
    {
        var rv = query["resourceVersion"].ToString();
        var match = query["resourceVersionMatch"].ToString();
        var hasContinue = query["continue"].ToString().Length > 0;
        var sendInitialEvents = ParseBool(query, "sendInitialEvents");
        var causes = new List<StatusCause>();
        if (watch)
        {
            if (sendInitialEvents is not null && match != NotOlderThan)
            {
                causes.Add(Forbidden("resourceVersionMatch", $"sendInitialEvents requires setting resourceVersionMatch to {NotOlderThan}"));
            }

            if (match.Length > 0)
            {
                if (sendInitialEvents is null)
                {
                    causes.Add(Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
                }

                if (match != NotOlderThan)
                {
                    causes.Add(NotSupported("resourceVersionMatch", match, [NotOlderThan]));
                }

                if (hasContinue)
                {
                    causes.Add(Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
                }
            }
        }
        else
        {
            if (match.Length > 0)
            {
                if (rv.Length == 0)
                {
                    causes.Add(Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"));
                }

                if (hasContinue)
                {
                    causes.Add(Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
                }

                if (match == Exact && rv == "0")
                {
                    causes.Add(Forbidden("resourceVersionMatch", "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
                }
                else if (match is not (Exact or NotOlderThan))
                {
                    causes.Add(NotSupported("resourceVersionMatch", match, [Exact, NotOlderThan, ""]));
                }
            }

            if (sendInitialEvents is not null)
            {
                causes.Add(Forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"));
            }
        }

        if (causes.Count > 0)
        {
            throw Errors.InvalidOptions("ListOptions", causes);
        }

        return sendInitialEvents;
    }

    private static bool? ParseBool(IQueryCollection query, string key)
    {
        if (!query.TryGetValue(key, out var values))
        {
            return null;
        }

        return values.ToString() switch
        {
            "true" or "True" or "1" => true,
            "false" or "False" or "0" => false,
            var v => throw Errors.BadRequest($"invalid {key} \"{v}\": must be true or false"),
        };
    }

    private static StatusCause Forbidden(string field, string detail) => new("FieldValueForbidden", $"Forbidden: {detail}", field);

    private static StatusCause NotSupported(string field, string value, string[] supported) =>
        new("FieldValueNotSupported", $"Unsupported value: \"{value}\": supported values: {string.Join(", ", supported.Select(s => $"\"{s}\""))}", field);
}
