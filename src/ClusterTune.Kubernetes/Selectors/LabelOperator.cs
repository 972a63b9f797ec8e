namespace ClusterTune.Kubernetes.Selectors;

/// <summary>The operator of one label requirement.</summary>
public enum LabelOperator
{
    Equals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
}
