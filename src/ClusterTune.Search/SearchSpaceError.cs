namespace ClusterTune.Search;

/// <summary>One validation problem of a search space: the parameter at fault and what to change.</summary>
public sealed record SearchSpaceError(string Parameter, string Message)
{
    public override string ToString() => $"searchSpace.{Parameter}: {Message}";
}
