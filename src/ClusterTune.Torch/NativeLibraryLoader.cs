using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ClusterTune.Torch;

/// <summary>Finds libcttorch.so: $CT_TORCH_SHIM, then next to the app or this assembly, then the repository's build dir.</summary>
internal static class NativeLibraryLoader
{
    internal const string EnvVar = "CT_TORCH_SHIM";
    internal const string FileName = "libcttorch.so";
    private const string RepoRelative = "src/ClusterTune.Torch/native/build/libcttorch.so";

#pragma warning disable CA2255 // the resolver must be registered before the first P/Invoke of this assembly
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => NativeLibrary.SetDllImportResolver(typeof(NativeLibraryLoader).Assembly, Resolve);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != NativeMethods.Lib) return IntPtr.Zero;
        var tried = new List<string>();
        foreach (var candidate in Candidates())
        {
            tried.Add(candidate);
            if (File.Exists(candidate)) return NativeLibrary.Load(candidate);
        }
        if (NativeLibrary.TryLoad(FileName, assembly, searchPath, out var h)) return h;
        throw new DllNotFoundException(
            $"{FileName} (the ClusterTune libtorch shim) was not found; build it with `make native` or set {EnvVar} " +
            $"to its path. Looked in: {string.Join(", ", tried)} and the default library path.");
    }

    private static IEnumerable<string> Candidates()
    {
        var env = Environment.GetEnvironmentVariable(EnvVar);
        if (!string.IsNullOrEmpty(env)) yield return env;
        yield return Path.Combine(AppContext.BaseDirectory, FileName);
        var asmDir = Path.GetDirectoryName(typeof(NativeLibraryLoader).Assembly.Location);
        if (!string.IsNullOrEmpty(asmDir)) yield return Path.Combine(asmDir, FileName);
        // Development fallback: walk up from the app directory to the checkout that built the shim.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, RepoRelative);
            if (File.Exists(p)) { yield return p; yield break; }
        }
    }
}
