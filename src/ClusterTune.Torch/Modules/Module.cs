namespace ClusterTune.Torch.Modules;

/// <summary>
/// Base of every layer: named parameters, buffers and children with PyTorch-style dotted names
/// ("blocks.0.conv.weight"), train/eval mode and state-dict export/import. A module owns its tensors and
/// disposes them (and its children) when disposed.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<KeyValuePair<string, Tensor>> _parameters = new();
    private readonly List<KeyValuePair<string, Tensor>> _buffers = new();
    private readonly List<KeyValuePair<string, Module>> _children = new();
    private bool _disposed;

    /// <summary>True in training mode (dropout active, batch norm uses batch statistics).</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Runs the layer.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>Registers a trainable tensor (requires_grad set, taken out of any dispose scope).</summary>
    protected Tensor RegisterParameter(string name, Tensor parameter)
    {
        CheckName(name);
        DisposeScope.Keep(parameter);
        parameter.RequiresGrad = true;
        _parameters.Add(new(name, parameter));
        return parameter;
    }

    /// <summary>Registers state that is saved but not trained (running statistics).</summary>
    protected Tensor RegisterBuffer(string name, Tensor buffer)
    {
        CheckName(name);
        DisposeScope.Keep(buffer);
        _buffers.Add(new(name, buffer));
        return buffer;
    }

    /// <summary>Registers a child module under a name (the prefix of its parameters' names).</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        _children.Add(new(name, module));
        return module;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"'{name}' is not a valid member name: it must be non-empty and contain no '.'", nameof(name));
        if (_parameters.Exists(p => p.Key == name) || _buffers.Exists(p => p.Key == name) || _children.Exists(p => p.Key == name))
            throw new ArgumentException($"'{name}' is already registered on {GetType().Name}", nameof(name));
    }

    /// <summary>
    /// The child currently registered under <paramref name="name"/>. Forward methods should call children through
    /// this (not a field cached at construction) so that <see cref="ReplaceChild"/> takes effect.
    /// </summary>
    protected Module Child(string name)
    {
        foreach (var c in _children)
            if (c.Key == name) return c.Value;
        throw new ArgumentException($"{GetType().Name} has no child named '{name}'", nameof(name));
    }

    /// <summary>
    /// Replaces a registered child (e.g. a Linear by a LoRA wrapper, or a new task head) and returns the old one,
    /// not disposed. Takes effect in built-in modules; custom modules must call children through <see cref="Child"/>.
    /// </summary>
    public Module ReplaceChild(string name, Module module)
    {
        var i = _children.FindIndex(c => c.Key == name);
        if (i < 0) throw new ArgumentException($"{GetType().Name} has no child named '{name}'; children: {string.Join(", ", _children.Select(c => c.Key))}", nameof(name));
        var old = _children[i].Value;
        _children[i] = new(name, module);
        module.Train(Training);
        return old;
    }

    /// <summary>The direct children, in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _children.Select(c => (c.Key, c.Value));

    /// <summary>This module ("") and every descendant with its dotted path.</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var (name, child) in _children)
            foreach (var m in child.NamedModules(Join(prefix, name)))
                yield return m;
    }

    /// <summary>The module at a dotted path ("blocks.0"), or an error naming the missing part.</summary>
    public Module GetSubmodule(string path)
    {
        if (path.Length == 0) return this;
        Module current = this;
        foreach (var part in path.Split('.'))
        {
            var next = current._children.FirstOrDefault(c => c.Key == part).Value;
            current = next ?? throw new ArgumentException($"no submodule '{part}' in path '{path}'", nameof(path));
        }
        return current;
    }

    /// <summary>Parameters with dotted names: own first, then the children's, in registration order.</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters(string prefix = "")
    {
        foreach (var (name, p) in _parameters) yield return (Join(prefix, name), p);
        foreach (var (name, child) in _children)
            foreach (var p in child.NamedParameters(Join(prefix, name)))
                yield return p;
    }

    /// <summary>All parameters (the module's own tensors; do not dispose them).</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Buffers with dotted names.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(string prefix = "")
    {
        foreach (var (name, b) in _buffers) yield return (Join(prefix, name), b);
        foreach (var (name, child) in _children)
            foreach (var b in child.NamedBuffers(Join(prefix, name)))
                yield return b;
    }

    /// <summary>Parameters and buffers by dotted name (the module's own tensors; do not dispose them).</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var d = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (n, p) in NamedParameters()) d[n] = p;
        foreach (var (n, b) in NamedBuffers()) d[n] = b;
        return d;
    }

    /// <summary>
    /// Copies values into the existing parameters and buffers (their identity is kept, so an optimizer built on
    /// them stays valid). Strict: a missing or unexpected name is an error; shapes must always match.
    /// </summary>
    public StateDictLoadResult LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        var own = StateDict();
        var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
        if (strict && (missing.Count > 0 || unexpected.Count > 0))
            throw new ArgumentException($"state dict does not match {GetType().Name}: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unexpected)}]", nameof(state));
        foreach (var (name, target) in own)
        {
            if (!state.TryGetValue(name, out var src)) continue;
            var ts = target.Shape;
            var ss = src.Shape;
            if (!ts.AsSpan().SequenceEqual(ss))
                throw new ArgumentException($"tensor '{name}' has shape [{string.Join(", ", ss)}] but the model expects [{string.Join(", ", ts)}]", nameof(state));
        }
        using (Torch.NoGrad())
        {
            foreach (var (name, target) in own)
                if (state.TryGetValue(name, out var src)) target.Copy_(src);
        }
        return new StateDictLoadResult(missing, unexpected);
    }

    /// <summary>Sets training mode on this module and every descendant.</summary>
    public Module Train(bool on = true)
    {
        Training = on;
        foreach (var (_, c) in _children) c.Train(on);
        return this;
    }

    /// <summary>Evaluation mode (same as Train(false)).</summary>
    public Module Eval() => Train(false);

    /// <summary>Number of parameter elements (all, or only those requiring grad).</summary>
    public long CountParameters(bool trainableOnly = false) =>
        Parameters().Where(p => !trainableOnly || p.RequiresGrad).Sum(p => p.NumElements);

    /// <summary>Disposes the parameters, buffers and children.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var (_, p) in _parameters) p.Dispose();
        foreach (var (_, b) in _buffers) b.Dispose();
        foreach (var (_, c) in _children) c.Dispose();
        GC.SuppressFinalize(this);
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
}
