using System.Text.Json.Nodes;

namespace ClusterTune.ControlPlane.Storage;

/// <summary>One committed change (or a bookmark marker) in the retained event window.</summary>
internal sealed record StoredEvent(long Rv, string StorageKey, string Key, string Type, JsonObject? Object, JsonObject? Previous)
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";
    public const string Bookmark = "BOOKMARK";

    /// <summary>A bookmark that ends the initial events of a sendInitialEvents=true watch.</summary>
    public bool InitialEventsEnd { get; init; }
}
