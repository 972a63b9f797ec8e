namespace ClusterTune.ControlPlane;

/// <summary>Files only their owner may read (mode 0600): the kubeconfig (a bearer token) and cluster.db (trial tokens).</summary>
internal static class PrivateFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes <paramref name="text"/>; the file is created 0600 and an existing one is narrowed to 0600 first.</summary>
    public static void WriteAllText(string path, string text)
    {
        Ensure(path);
        File.WriteAllText(path, text);
    }

    /// <summary>Creates the file empty with mode 0600 when missing; narrows an existing file to 0600.</summary>
    public static void Ensure(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (!File.Exists(path))
        {
            using var _ = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly });
        }
        File.SetUnixFileMode(path, OwnerOnly);
    }
}
