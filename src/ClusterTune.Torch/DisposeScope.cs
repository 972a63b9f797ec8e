namespace ClusterTune.Torch;

/// <summary>
/// Disposes, when it is disposed, every tensor created on this thread while it was the innermost scope, except
/// tensors taken out with <see cref="Keep"/> or <see cref="MoveToOuter"/>. Use one per training step so memory stays
/// flat without relying on finalizers (like TorchSharp's NewDisposeScope).
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? t_current;

    private readonly DisposeScope? _parent;
    private readonly int _threadId;
    private List<Tensor>? _tensors = new();

    private DisposeScope()
    {
        _parent = t_current;
        _threadId = Environment.CurrentManagedThreadId;
        t_current = this;
    }

    /// <summary>Opens a scope that becomes the innermost one on this thread.</summary>
    public static DisposeScope Begin() => new();

    /// <summary>The innermost open scope on this thread, if any.</summary>
    public static DisposeScope? Current => t_current;

    /// <summary>How many tensors this scope will dispose (for tests and diagnostics).</summary>
    public int Count => _tensors?.Count(t => t.Scope == this) ?? 0;

    internal static void Track(Tensor t)
    {
        var s = t_current;
        if (s?._tensors is null) return;
        t.Scope = s;
        s._tensors.Add(t);
    }

    /// <summary>Removes the tensor from every scope: the caller now owns it and must dispose it.</summary>
    public static Tensor Keep(Tensor t)
    {
        t.Scope = null;
        return t;
    }

    /// <summary>Hands the tensor to the enclosing scope (or to the caller if there is none).</summary>
    public Tensor MoveToOuter(Tensor t)
    {
        if (t.Scope != this) throw new InvalidOperationException("the tensor does not belong to this dispose scope");
        t.Scope = null;
        if (_parent?._tensors is { } outer)
        {
            t.Scope = _parent;
            outer.Add(t);
        }
        return t;
    }

    /// <summary>Disposes the tracked tensors and makes the enclosing scope current again.</summary>
    public void Dispose()
    {
        var tensors = _tensors;
        if (tensors is null) return;
        if (Environment.CurrentManagedThreadId != _threadId)
            throw new InvalidOperationException("a DisposeScope must be disposed on the thread that opened it (no await inside a scope)");
        _tensors = null;
        if (t_current == this) t_current = _parent;
        foreach (var t in tensors)
        {
            if (t.Scope == this)
            {
                t.Scope = null;
                t.Dispose();
            }
        }
    }
}
