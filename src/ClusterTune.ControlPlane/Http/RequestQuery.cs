using Microsoft.AspNetCore.Http;

namespace ClusterTune.ControlPlane.Http;

/// <summary>Query-string and header flags that several verbs read.</summary>
internal static class RequestQuery
{
    /// <summary>?fieldValidation=Strict.</summary>
    public static bool StrictFields(IQueryCollection query) => query["fieldValidation"].ToString() == "Strict";

    /// <summary>A boolean query value as kube-apiserver accepts it ("1", "true", "True").</summary>
    public static bool IsTrue(Microsoft.Extensions.Primitives.StringValues v) => v.ToString() is "1" or "true" or "True";

    /// <summary>kubectl asks for a Table (Accept: ...;as=Table).</summary>
    public static bool WantsTable(HttpContext ctx) => ctx.Request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);

    /// <summary>?includeObject= of a Table request (None, Object, default Metadata).</summary>
    public static string IncludeObject(HttpContext ctx) => ctx.Request.Query["includeObject"].ToString() switch
    {
        "None" => "None",
        "Object" => "Object",
        _ => "Metadata",
    };
}
