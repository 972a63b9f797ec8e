using System.Diagnostics;
using ClusterTune.Kubernetes.Queue;
using Microsoft.Extensions.Logging;

namespace ClusterTune.Kubernetes.Controllers;

/// <summary>
/// Workers over a work queue (controller-runtime's shape): one key at a time per worker, never the same key twice at
/// once; conflicts and transient API errors requeue with the rate limiter; a requested delay requeues after it.
/// This is the worker boundary, the one place that catches every exception.
/// </summary>
/// <param name="controllerOf">The controller a key is reported under when one queue serves several kinds (default: <paramref name="name"/>).</param>
public sealed partial class ControllerLoop(string name, WorkQueue<string> queue, Func<string, CancellationToken, Task<ReconcileResult>> reconcile,
    ILogger logger, IControllerMetrics? metrics = null, Func<string, string>? controllerOf = null)
{
    /// <summary>Runs <paramref name="workers"/> workers until the queue shuts down or <paramref name="ct"/> is cancelled.</summary>
    public Task RunAsync(int workers, CancellationToken ct) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, workers)).Select(_ => Task.Run(() => WorkAsync(ct), ct)));

    private async Task WorkAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            string key;
            try
            {
                var (k, shutdown) = await queue.GetAsync(ct);
                if (shutdown)
                {
                    return;
                }

                key = k;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var started = Stopwatch.GetTimestamp();
            var result = "success";
            try
            {
                var r = await reconcile(key, ct);
                queue.Forget(key);
                if (r.RequeueAfter is { } after)
                {
                    queue.AddAfter(key, after < TimeSpan.Zero ? TimeSpan.Zero : after);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e.IsConflict())
            {
                // Our read was stale: the newer object is (or soon is) in the cache; look again shortly.
                result = "conflict";
                queue.AddRateLimited(key);
            }
            catch (Exception e)
            {
                result = "error";
                LogReconcileFailed(logger, controllerOf?.Invoke(key) ?? name, key, e.GetType().Name, e.Describe());
                queue.AddRateLimited(key);
            }
            finally
            {
                queue.Done(key);
                metrics?.Reconciled(controllerOf?.Invoke(key) ?? name, result, Stopwatch.GetElapsedTime(started), queue.Len);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Controller}: reconcile of {Key} failed ({Type}): {Error}; retrying with backoff")]
    private static partial void LogReconcileFailed(ILogger logger, string controller, string key, string type, string error);
}
