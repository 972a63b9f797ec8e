namespace ClusterTune.Api.Schema;

/// <summary>
/// A CRD validation rule (`x-kubernetes-validations`) comparing the new value with the stored one on update, e.g.
/// `self == oldSelf` for an immutable field; the API server answers a violating update with 422 and <see cref="Message"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class TransitionRuleAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;
    public string Message { get; } = message;
}
