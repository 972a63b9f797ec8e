namespace ClusterTune.Search;

/// <summary>Thrown when a search space is invalid; <see cref="Errors"/> names every faulty parameter and its fix.</summary>
public sealed class SearchSpaceException : Exception
{
    public SearchSpaceException(IReadOnlyList<SearchSpaceError> errors)
        : base(string.Join("; ", errors.Select(e => e.ToString())))
    {
        Errors = errors;
    }

    public IReadOnlyList<SearchSpaceError> Errors { get; }

    /// <summary>The first faulty parameter's name.</summary>
    public string Parameter => Errors.Count > 0 ? Errors[0].Parameter : "";
}
