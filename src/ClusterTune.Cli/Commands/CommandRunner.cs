using System.Net;
using ClusterTune.Kubernetes;
using k8s.Autorest;

namespace ClusterTune.Cli.Commands;

/// <summary>
/// Runs an inspection command body and maps failures to exit codes: 2 for bad usage (with the command's usage),
/// 1 for an unreachable or refusing API server, so every command reports them the same way.
/// </summary>
internal static class CommandRunner
{
    /// <summary>Parses the arguments, opens the cluster, runs <paramref name="body"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string command, string usage, IReadOnlyList<string> args, IReadOnlyCollection<string> valueFlags,
        IReadOnlyCollection<string> switches, TextWriter err, Func<CommandArgs, ClusterConnection, Task<int>> body)
    {
        ClusterConnection connection;
        CommandArgs parsed;
        try
        {
            parsed = CommandArgs.Parse(args, valueFlags, switches);
            connection = ClusterConnection.Open(parsed);
        }
        catch (UsageException e)
        {
            await err.WriteLineAsync($"ctune {command}: {e.Message}\n{usage}");
            return 2;
        }

        using (connection)
        {
            try
            {
                return await body(parsed, connection);
            }
            catch (UsageException e)
            {
                await err.WriteLineAsync($"ctune {command}: {e.Message}\n{usage}");
                return 2;
            }
            catch (HttpOperationException e) when (e.StatusCode() is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                await err.WriteLineAsync($"ctune {command}: the API server {connection.Server} refused the request: {e.Describe()}; check the user of the kubeconfig context (--context) and its RBAC permissions for finetunejobs, trials, pods, pods/log and events in namespace {connection.Namespace}");
                return 1;
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException)
            {
                await err.WriteLineAsync($"ctune {command}: cannot reach the API server {connection.Server}: {e.Message}; check --kubeconfig and --context point at a running cluster");
                return 1;
            }
            catch (HttpOperationException e) when (e.IsNotFound() && e.Status()?.Details?.Name is null)
            {
                await err.WriteLineAsync($"ctune {command}: the cluster at {connection.Server} does not serve the clustertune.io API: install the ClusterTune CRDs (charts/clustertune/crds)");
                return 1;
            }
        }
    }
}
