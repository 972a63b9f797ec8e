using System.Text;
using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Json;

namespace ClusterTune.ControlPlane.Http;

/// <summary>A list's continue token, encoded like kube-apiserver's (base64url JSON of the snapshot rv and the last key).</summary>
internal sealed record ContinueToken(long Rv, string Start)
{
    /// <summary>The token of a page that ended at <paramref name="startKey"/> in the snapshot at <paramref name="rv"/>.</summary>
    public static string Encode(long rv, string startKey)
    {
        var json = new JsonObject { ["v"] = "meta.k8s.io/v1", ["rv"] = rv, ["start"] = startKey + "\0" }.ToJsonString();
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Decodes a token; 400 when it is malformed.</summary>
    public static ContinueToken Decode(string token)
    {
        try
        {
            var s = token.Replace('-', '+').Replace('_', '/');
            s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
            var o = JsonUtil.ParseObject(Encoding.UTF8.GetString(Convert.FromBase64String(s)), "continue token");
            var start = JsonUtil.Str(o, "start") ?? "";
            return new ContinueToken(JsonUtil.Long(o, "rv") ?? 0, start.TrimEnd('\0'));
        }
        catch (Exception e) when (e is FormatException)
        {
            throw Errors.BadRequest($"invalid continue token: {e.Message}");
        }
    }
}
