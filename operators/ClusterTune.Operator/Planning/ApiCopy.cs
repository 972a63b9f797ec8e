using System.Text.Json;
using ClusterTune.Api;

namespace ClusterTune.Operator.Planning;

/// <summary>Deep copies of API objects: objects read from the informer cache are shared and never mutated.</summary>
public static class ApiCopy
{
    /// <summary>A deep copy of <paramref name="value"/> (a JSON round trip with the API's one serializer configuration).</summary>
    public static T Clone<T>(T value) => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, ApiJson.Options), ApiJson.Options)!;

    /// <summary>A deep copy of <paramref name="value"/> changed by <paramref name="change"/>.</summary>
    public static T With<T>(T value, Action<T> change)
    {
        var copy = Clone(value);
        change(copy);
        return copy;
    }
}
