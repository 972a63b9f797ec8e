using System.Diagnostics;

namespace ClusterTune.Testing;

/// <summary>
/// A real, tiny filesystem (tmpfs of a given size, mounted at a fresh temporary directory) for disk-full drills:
/// writes past its size fail with ENOSPC exactly as on a full checkpoint volume. Needs root (CI and the development
/// machines run as root); disposing unmounts it and removes the directory.
/// </summary>
public sealed class SmallFilesystem : IDisposable
{
    private SmallFilesystem(string path) => Path = path;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="bytes"/> bytes; throws with the mount error when that is not possible.</summary>
    public static SmallFilesystem Mount(long bytes)
    {
        var dir = Directory.CreateTempSubdirectory("ct-full-").FullName;
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={bytes},mode=0777", "tmpfs", dir);
        if (code != 0)
        {
            Directory.Delete(dir);
            throw new InvalidOperationException($"mounting a {bytes}-byte tmpfs at {dir} failed (exit {code}: {output.Trim()}); disk-full drills need root");
        }

        return new SmallFilesystem(dir);
    }

    /// <summary>Fills the filesystem with a ballast file until writes fail with ENOSPC, then frees <paramref name="leaveFree"/> bytes of it; returns the ballast's path.</summary>
    public string Fill(long leaveFree = 0)
    {
        var ballast = System.IO.Path.Combine(Path, "ballast");
        using var fs = new FileStream(ballast, FileMode.Create, FileAccess.Write);
        var chunk = new byte[4096];
        try
        {
            while (true)
            {
                fs.Write(chunk);
                fs.Flush();
            }
        }
        catch (IOException)
        {
            // Full.
        }

        fs.SetLength(Math.Max(0, fs.Length - leaveFree));
        return ballast;
    }

    public void Dispose()
    {
        Run("umount", "-l", Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output);
    }
}
