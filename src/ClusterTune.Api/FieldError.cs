namespace ClusterTune.Api;

/// <summary>One validation failure: the JSON field path, what is wrong, and how to fix it.</summary>
/// <param name="Path">JSON path such as <c>spec.searchSpace.lrFactor.min</c> (list items as <c>[i]</c>, map keys as <c>[key]</c> or <c>.key</c>).</param>
/// <param name="Problem">What is wrong, naming the offending value.</param>
/// <param name="Fix">What to change, with an example value where one helps.</param>
public sealed record FieldError(string Path, string Problem, string Fix)
{
    /// <summary>"path: problem; fix" — the form used in condition messages and 422 causes.</summary>
    public override string ToString() => $"{Path}: {Problem}; {Fix}";

    /// <summary>All errors on one line each, for a condition message or a CLI.</summary>
    public static string Join(IEnumerable<FieldError> errors) => string.Join("\n", errors);
}
