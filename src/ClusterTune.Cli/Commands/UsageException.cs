namespace ClusterTune.Cli.Commands;

/// <summary>Bad command-line input: the command prints the message and its usage, and exits 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
