namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>Helpers over a container's log file.</summary>
internal static class LogFile
{
    /// <summary>The offset where the last <paramref name="lines"/> lines start, scanning back from the end in chunks (a trailing newline ends the last line, it does not start one).</summary>
    public static long TailOffset(FileStream file, long lines)
    {
        var length = file.Length;
        if (lines <= 0)
        {
            return length;
        }

        var buffer = new byte[64 * 1024];
        var end = length;
        var seen = 0L;
        var skipTrailing = true;
        while (end > 0)
        {
            var start = Math.Max(0, end - buffer.Length);
            var count = (int)(end - start);
            file.Position = start;
            file.ReadExactly(buffer, 0, count);
            for (var i = count - 1; i >= 0; i--)
            {
                if (buffer[i] != (byte)'\n')
                {
                    skipTrailing = false;
                    continue;
                }

                if (skipTrailing && start + i == length - 1)
                {
                    skipTrailing = false;
                    continue;
                }

                if (++seen == lines)
                {
                    return start + i + 1;
                }
            }

            end = start;
        }

        return 0;
    }
}
