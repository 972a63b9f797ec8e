using System.Runtime.InteropServices;

namespace ClusterTune.Torch;

/// <summary>An error raised by libtorch (shape mismatch, bad dtype, ...): Message is its first line, FullMessage all of it.</summary>
public sealed class TorchException : Exception
{
    public TorchException(string message, string fullMessage) : base(message) => FullMessage = fullMessage;

    /// <summary>libtorch's complete message, including the C++ source location when libtorch gives one.</summary>
    public string FullMessage { get; }

    /// <summary>Reads the calling thread's last shim error (call right after the failing native call, same thread).</summary>
    internal static TorchException FromNative()
    {
        var brief = Marshal.PtrToStringUTF8(NativeMethods.ct_last_error()) ?? "unknown libtorch error";
        var full = Marshal.PtrToStringUTF8(NativeMethods.ct_last_error_full()) ?? brief;
        var trimmed = brief.Trim();
        var newline = trimmed.IndexOf('\n');
        var first = newline < 0 ? trimmed : trimmed[..newline].TrimEnd();
        return new TorchException(first.Length == 0 ? "unknown libtorch error" : first, full);
    }

    internal static void Check(int status)
    {
        if (status != 0) throw FromNative();
    }
}
