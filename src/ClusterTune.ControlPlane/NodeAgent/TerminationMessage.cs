using System.Text;

namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>Reads a container's termination message the way a kubelet does.</summary>
internal static class TerminationMessage
{
    /// <summary>kubelet's limit on the termination message file.</summary>
    public const int MaxBytes = 4096;

    /// <summary>kubelet's FallbackToLogsOnError budget: the last 80 lines, at most 2 KiB.</summary>
    public const int FallbackLines = 80;
    public const int FallbackBytes = 2048;

    /// <summary>The file's first 4096 bytes; with FallbackToLogsOnError, a failed container with an empty file gets its log tail.</summary>
    public static string? Read(string terminationLog, string logPath, int exitCode, string? policy)
    {
        var message = ReadPrefix(terminationLog, MaxBytes);
        if (string.IsNullOrEmpty(message) && exitCode != 0 && policy == "FallbackToLogsOnError")
        {
            message = Tail(logPath, FallbackLines, FallbackBytes);
        }

        return string.IsNullOrEmpty(message) ? null : message;
    }

    private static string? ReadPrefix(string path, int max)
    {
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var buffer = new byte[max];
            var n = f.ReadAtLeast(buffer, max, throwOnEndOfStream: false);
            return Encoding.UTF8.GetString(buffer, 0, n);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? Tail(string path, int lines, int maxBytes)
    {
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var start = Math.Max(LogFile.TailOffset(f, lines), f.Length - maxBytes);
            f.Position = start;
            var buffer = new byte[f.Length - start];
            var n = f.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return Encoding.UTF8.GetString(buffer, 0, n);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
