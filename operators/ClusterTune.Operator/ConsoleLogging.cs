using Microsoft.Extensions.Logging;

namespace ClusterTune.Operator;

/// <summary>The console log of ClusterTune's programs (the operator, `ctune run`, `ctune node`): one timestamped line each.</summary>
public static class ConsoleLogging
{
    /// <summary>
    /// A logger factory writing to stdout (or stderr); the log says what the controllers decide (every Event is also a
    /// log line), so per-request lines of the HTTP endpoint (one per OTLP export, 99 % of the operator's log before)
    /// are left to the request metrics.
    /// </summary>
    public static ILoggerFactory Create(LogLevel minimum, bool standardError = false) => LoggerFactory.Create(b => b
        .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
        .AddConsole(o => o.LogToStandardErrorThreshold = standardError ? LogLevel.Trace : LogLevel.None)
        .SetMinimumLevel(minimum)
        .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
        .AddFilter("Microsoft.Hosting", LogLevel.Warning)
        // Orleans narrates membership and activation at Information; its warnings (a silo declared dead) stay, except
        // the start-up notes (workstation GC; a watchdog that measures its first check from the process start).
        .AddFilter("Orleans", LogLevel.Warning)
        .AddFilter("Orleans.Runtime.Silo", LogLevel.Error)
        .AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error)
        .AddFilter("Polly", LogLevel.Warning));
}
