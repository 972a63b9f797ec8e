namespace ClusterTune.Torch.Optim;

/// <summary>
/// libtorch's torch::optim::AdamW (the same update as Python 1.13's torch.optim.AdamW) with parameter groups,
/// per-group learning rates settable every step, and per-parameter state export/import for exact resume.
/// Parameters without a gradient (frozen, requires_grad = false) are skipped: neither updated nor decayed.
/// </summary>
public sealed class AdamW : IDisposable
{
    private readonly NativeHandle _handle;
    private readonly ParamGroup[] _groups;

    /// <summary>Creates the optimizer over the given groups.</summary>
    public unsafe AdamW(IReadOnlyList<ParamGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, bool amsgrad = false)
    {
        if (groups.Count == 0) throw new ArgumentException("AdamW needs at least one parameter group", nameof(groups));
        for (var i = 0; i < groups.Count; i++)
        {
            if (!(groups[i].Lr >= 0)) throw new ArgumentOutOfRangeException(nameof(groups), $"group {i} ('{groups[i].Name}') has learning rate {groups[i].Lr}; it must be >= 0");
            if (!(groups[i].WeightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(groups), $"group {i} ('{groups[i].Name}') has weight decay {groups[i].WeightDecay}; it must be >= 0");
        }
        _groups = groups.ToArray();
        TorchException.Check(NativeMethods.ct_adamw_new(groups[0].Lr, beta1, beta2, eps, groups[0].WeightDecay, amsgrad ? 1 : 0, out var h));
        _handle = new NativeHandle(h, NativeMethods.ct_adamw_free);
        foreach (var g in _groups)
        {
            var ptrs = new IntPtr[g.Parameters.Count];
            for (var i = 0; i < ptrs.Length; i++)
            {
                ObjectDisposedException.ThrowIf(g.Parameters[i].IsDisposed, g.Parameters[i]);
                ptrs[i] = g.Parameters[i].Ptr;
            }
            fixed (IntPtr* p = ptrs) TorchException.Check(NativeMethods.ct_adamw_add_group(_handle.Get(), p, ptrs.Length, g.Lr, g.WeightDecay));
            GC.KeepAlive(g);
        }
    }

    /// <summary>The groups as given (base learning rates).</summary>
    public IReadOnlyList<ParamGroup> Groups => _groups;

    /// <summary>Applies one update from the current gradients.</summary>
    public void Step()
    {
        TorchException.Check(NativeMethods.ct_adamw_step(_handle.Get()));
        GC.KeepAlive(this);
    }

    /// <summary>Drops every parameter's gradient (set to none).</summary>
    public void ZeroGrad()
    {
        TorchException.Check(NativeMethods.ct_adamw_zero_grad(_handle.Get()));
        GC.KeepAlive(this);
    }

    /// <summary>Sets the learning rate of one group.</summary>
    public void SetLr(int group, double lr)
    {
        TorchException.Check(NativeMethods.ct_adamw_set_lr(_handle.Get(), group, lr));
        GC.KeepAlive(this);
    }

    /// <summary>Current learning rate of one group.</summary>
    public double GetLr(int group)
    {
        TorchException.Check(NativeMethods.ct_adamw_get_lr(_handle.Get(), group, out var lr));
        GC.KeepAlive(this);
        return lr;
    }

    /// <summary>Sets every group's learning rate to its base rate × factor (a schedule's value for this step).</summary>
    public void SetLrFactor(double factor)
    {
        for (var i = 0; i < _groups.Length; i++) SetLr(i, _groups[i].Lr * factor);
    }

    /// <summary>The state of one parameter (new tensors the caller owns), or null before its first update.</summary>
    public AdamWParamState? GetState(Tensor parameter)
    {
        TorchException.Check(NativeMethods.ct_adamw_get_state(_handle.Get(), parameter.Handle, out var step, out var m, out var v, out var vmax));
        GC.KeepAlive(this);
        if (step < 0) return null;
        return new AdamWParamState(step, new Tensor(m), new Tensor(v), vmax == IntPtr.Zero ? null : new Tensor(vmax));
    }

    /// <summary>Sets the state of one parameter (values are copied).</summary>
    public void SetState(Tensor parameter, AdamWParamState state)
    {
        var status = NativeMethods.ct_adamw_set_state(_handle.Get(), parameter.Handle, state.Step, state.ExpAvg.Handle, state.ExpAvgSq.Handle,
            state.MaxExpAvgSq?.Ptr ?? IntPtr.Zero);
        GC.KeepAlive(state);
        GC.KeepAlive(this);
        TorchException.Check(status);
    }

    /// <summary>
    /// The state of the named parameters as flat tensors for a safetensors file: "&lt;name&gt;.exp_avg",
    /// "&lt;name&gt;.exp_avg_sq", "&lt;name&gt;.step" (int64 scalar) and "&lt;name&gt;.max_exp_avg_sq" with amsgrad.
    /// Parameters without state are left out. The caller owns (disposes) the returned tensors.
    /// </summary>
    public Dictionary<string, Tensor> StateDict(IEnumerable<(string Name, Tensor Parameter)> namedParameters)
    {
        var d = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, p) in namedParameters)
        {
            var s = GetState(p);
            if (s is null) continue;
            d[name + ".exp_avg"] = DisposeScope.Keep(s.ExpAvg);
            d[name + ".exp_avg_sq"] = DisposeScope.Keep(s.ExpAvgSq);
            if (s.MaxExpAvgSq is { } vmax) d[name + ".max_exp_avg_sq"] = DisposeScope.Keep(vmax);
            d[name + ".step"] = DisposeScope.Keep(Tensor.FromSpan<long>([s.Step], []).Reshape());
        }
        return d;
    }

    /// <summary>Restores state written by <see cref="StateDict"/>; parameters without entries keep no state.</summary>
    public void LoadStateDict(IEnumerable<(string Name, Tensor Parameter)> namedParameters, IReadOnlyDictionary<string, Tensor> state)
    {
        foreach (var (name, p) in namedParameters)
        {
            if (!state.TryGetValue(name + ".step", out var stepT)) continue;
            if (!state.TryGetValue(name + ".exp_avg", out var m) || !state.TryGetValue(name + ".exp_avg_sq", out var v))
                throw new ArgumentException($"optimizer state for '{name}' has a step but lacks exp_avg or exp_avg_sq", nameof(state));
            state.TryGetValue(name + ".max_exp_avg_sq", out var vmax);
            SetState(p, new AdamWParamState((long)stepT.Item(), m, v, vmax));
        }
    }

    /// <summary>Frees the native optimizer and its state.</summary>
    public void Dispose() => _handle.Dispose();
}
