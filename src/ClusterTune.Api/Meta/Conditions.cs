using k8s.Models;

namespace ClusterTune.Api.Meta;

/// <summary>Pure helpers over a condition list, with apimachinery's meta.SetStatusCondition semantics.</summary>
public static class Conditions
{
    /// <summary>The condition of the given type, or null.</summary>
    public static V1Condition? Find(IEnumerable<V1Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>Whether the condition of the given type exists with status "True".</summary>
    public static bool IsTrue(IEnumerable<V1Condition>? conditions, string type) =>
        Find(conditions, type)?.Status == "True";

    /// <summary>
    /// Returns a new list with <paramref name="condition"/> set: lastTransitionTime moves to <paramref name="now"/>
    /// only when the status changes, so re-applying the same condition is a no-op (no needless status writes).
    /// </summary>
    public static List<V1Condition> Set(IEnumerable<V1Condition>? conditions, V1Condition condition, DateTimeOffset now)
    {
        var result = new List<V1Condition>();
        var found = false;
        foreach (var c in conditions ?? [])
        {
            if (c.Type != condition.Type)
            {
                result.Add(c);
                continue;
            }
            found = true;
            result.Add(new V1Condition
            {
                Type = condition.Type,
                Status = condition.Status,
                ObservedGeneration = condition.ObservedGeneration,
                Reason = condition.Reason,
                Message = condition.Message,
                LastTransitionTime = c.Status == condition.Status ? c.LastTransitionTime : now.UtcDateTime,
            });
        }
        if (!found)
        {
            result.Add(new V1Condition
            {
                Type = condition.Type,
                Status = condition.Status,
                ObservedGeneration = condition.ObservedGeneration,
                Reason = condition.Reason,
                Message = condition.Message,
                LastTransitionTime = now.UtcDateTime,
            });
        }
        return result;
    }
}
