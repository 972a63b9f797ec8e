using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace ClusterTune.Torch.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format (8-byte little-endian header length, JSON header, raw little-endian
/// data), so Hugging Face weights load as they are and our checkpoints load in Python. Names are kept as given.
/// </summary>
public static class SafeTensors
{
    /// <summary>Largest header accepted (the reference implementation's limit).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private static readonly Dictionary<string, ScalarType> s_codes = new(StringComparer.Ordinal)
    {
        ["F32"] = ScalarType.Float32, ["F16"] = ScalarType.Float16, ["BF16"] = ScalarType.BFloat16, ["F64"] = ScalarType.Float64,
        ["I64"] = ScalarType.Int64, ["I32"] = ScalarType.Int32, ["I16"] = ScalarType.Int16, ["I8"] = ScalarType.Int8,
        ["U8"] = ScalarType.UInt8, ["BOOL"] = ScalarType.Bool,
    };

    /// <summary>The safetensors dtype code of a libtorch dtype.</summary>
    public static string CodeOf(ScalarType dtype) => s_codes.FirstOrDefault(kv => kv.Value == dtype).Key
        ?? throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "no safetensors code for this dtype");

    /// <summary>
    /// Writes the tensors (each in its own dtype) atomically: a temporary file in the same directory, flushed to
    /// disk, then renamed over <paramref name="path"/>. Readers never see a half-written file.
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, _) in list)
        {
            if (string.IsNullOrEmpty(name) || name == "__metadata__") throw new ArgumentException($"'{name}' is not a valid tensor name", nameof(tensors));
            if (!seen.Add(name)) throw new ArgumentException($"tensor name '{name}' appears twice", nameof(tensors));
        }
        var header = BuildHeader(list, metadata, out var sizes);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(path)}.tmp-{Guid.NewGuid():N}");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Span<byte> len = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Length);
                fs.Write(len);
                fs.Write(header);
                var max = sizes.Count == 0 ? 0 : sizes.Max();
                var buf = ArrayPool<byte>.Shared.Rent((int)Math.Min(max, int.MaxValue));
                try
                {
                    for (var i = 0; i < list.Count; i++)
                    {
                        var span = buf.AsSpan(0, (int)sizes[i]);
                        list[i].Value.CopyBytesTo(span);
                        fs.Write(span);
                    }
                }
                finally { ArrayPool<byte>.Shared.Return(buf); }
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw;
        }
    }

    private static byte[] BuildHeader(List<KeyValuePair<string, Tensor>> list, IReadOnlyDictionary<string, string>? metadata, out List<long> sizes)
    {
        sizes = new List<long>(list.Count);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, t) in list)
            {
                var size = t.ByteSize;
                if (size > int.MaxValue) throw new ArgumentException($"tensor '{name}' is larger than 2 GiB", nameof(list));
                sizes.Add(size);
                w.WriteStartObject(name);
                w.WriteString("dtype", CodeOf(t.DType));
                w.WriteStartArray("shape");
                foreach (var d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + size);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += size;
            }
            w.WriteEndObject();
        }
        // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
        var json = ms.ToArray();
        var padded = (json.Length + 7) / 8 * 8;
        var header = new byte[padded];
        json.CopyTo(header, 0);
        header.AsSpan(json.Length).Fill((byte)' ');
        return header;
    }

    /// <summary>Parses and validates the header (every offset within the file, byte counts matching dtype × shape).</summary>
    public static SafeTensorsHeader ReadHeader(string path)
    {
        using var fs = OpenRead(path);
        return ReadHeader(fs, path);
    }

    private static FileStream OpenRead(string path)
    {
        try { return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess); }
        catch (FileNotFoundException e) { throw new SafeTensorsFormatException(path, null, "file not found", e); }
    }

    private static SafeTensorsHeader ReadHeader(FileStream fs, string path)
    {
        var fileLength = fs.Length;
        if (fileLength < 8) throw new SafeTensorsFormatException(path, null, $"truncated: {fileLength} bytes, too short for the 8-byte header length");
        Span<byte> len = stackalloc byte[8];
        fs.ReadExactly(len);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(len);
        if (headerLength > MaxHeaderBytes) throw new SafeTensorsFormatException(path, null, $"header length {headerLength} is larger than the {MaxHeaderBytes}-byte limit (not a safetensors file?)");
        if ((long)headerLength > fileLength - 8) throw new SafeTensorsFormatException(path, null, $"truncated header: it declares {headerLength} bytes but the file has {fileLength - 8} after the length");
        var header = new byte[headerLength];
        fs.ReadExactly(header);
        var dataOffset = 8 + (long)headerLength;
        var dataLength = fileLength - dataOffset;

        JsonDocument doc;
        try { doc = JsonDocument.Parse(header); }
        catch (JsonException e) { throw new SafeTensorsFormatException(path, null, $"header is not valid JSON ({e.Message})", e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new SafeTensorsFormatException(path, null, "header JSON must be an object");
            var tensors = new List<SafeTensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw new SafeTensorsFormatException(path, null, "__metadata__ must be an object of strings");
                    foreach (var m in prop.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : throw new SafeTensorsFormatException(path, null, $"__metadata__ value '{m.Name}' must be a string");
                    continue;
                }
                tensors.Add(ParseEntry(path, prop, dataLength));
            }
            // Entries must not overlap (the reference format also requires them to be contiguous).
            var ordered = tensors.OrderBy(t => t.Begin).ToList();
            for (var i = 1; i < ordered.Count; i++)
                if (ordered[i].Begin < ordered[i - 1].End)
                    throw new SafeTensorsFormatException(path, ordered[i].Name, $"data range [{ordered[i].Begin}, {ordered[i].End}) overlaps tensor '{ordered[i - 1].Name}'");
            return new SafeTensorsHeader(tensors, metadata, dataOffset);
        }
    }

    private static SafeTensorInfo ParseEntry(string path, JsonProperty prop, long dataLength)
    {
        var name = prop.Name;
        var e = prop.Value;
        if (e.ValueKind != JsonValueKind.Object) throw new SafeTensorsFormatException(path, name, "entry must be an object with dtype, shape and data_offsets");
        if (!e.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String) throw new SafeTensorsFormatException(path, name, "missing string 'dtype'");
        var code = dt.GetString()!;
        if (!s_codes.TryGetValue(code, out var dtype)) throw new SafeTensorsFormatException(path, name, $"unsupported dtype '{code}' (supported: {string.Join(", ", s_codes.Keys)})");
        if (!e.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array) throw new SafeTensorsFormatException(path, name, "missing array 'shape'");
        var shape = new long[sh.GetArrayLength()];
        var i = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var v) || v < 0) throw new SafeTensorsFormatException(path, name, $"shape entry {i} is not a non-negative integer");
            shape[i++] = v;
        }
        if (!e.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw new SafeTensorsFormatException(path, name, "'data_offsets' must be [begin, end]");
        var begin = off[0].TryGetInt64(out var b) ? b : -1;
        var end = off[1].TryGetInt64(out var en) ? en : -1;
        if (begin < 0 || end < begin) throw new SafeTensorsFormatException(path, name, $"bad data_offsets [{off[0]}, {off[1]}]");
        if (end > dataLength) throw new SafeTensorsFormatException(path, name, $"data_offsets [{begin}, {end}) run past the end of the data section ({dataLength} bytes): the file is truncated or the offsets are wrong");
        var info = new SafeTensorInfo(name, code, shape, begin, end);
        long expected;
        try { expected = checked(info.NumElements * DTypes.SizeOf(dtype)); }
        catch (OverflowException ex) { throw new SafeTensorsFormatException(path, name, "shape is too large", ex); }
        if (end - begin != expected)
            throw new SafeTensorsFormatException(path, name, $"holds {end - begin} bytes but shape [{string.Join(", ", shape)}] of {code} needs {expected}");
        return info;
    }

    /// <summary>
    /// Reads every tensor. Floating-point tensors (F16, BF16, F64, F32) become float32 unless
    /// <paramref name="keepDType"/>; integer and bool tensors keep their dtype. The caller owns the tensors.
    /// </summary>
    public static Dictionary<string, Tensor> Read(string path, bool keepDType = false) => Read(path, out _, keepDType);

    /// <summary>Reads every tensor and the header's metadata.</summary>
    public static Dictionary<string, Tensor> Read(string path, out IReadOnlyDictionary<string, string> metadata, bool keepDType = false)
    {
        using var fs = OpenRead(path);
        var header = ReadHeader(fs, path);
        metadata = header.Metadata;
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var max = header.Tensors.Count == 0 ? 0 : header.Tensors.Max(t => t.End - t.Begin);
        if (max > int.MaxValue) throw new SafeTensorsFormatException(path, header.Tensors.First(t => t.End - t.Begin == max).Name, "tensors over 2 GiB are not supported");
        var buf = ArrayPool<byte>.Shared.Rent((int)max);
        try
        {
            foreach (var info in header.Tensors)
            {
                var span = buf.AsSpan(0, (int)(info.End - info.Begin));
                var read = RandomAccess.Read(fs.SafeFileHandle, span, header.DataOffset + info.Begin);
                if (read != span.Length) throw new SafeTensorsFormatException(path, info.Name, "truncated data");
                var dtype = s_codes[info.DType];
                var t = DisposeScope.Keep(Tensor.FromBytes(span, dtype, info.Shape));
                if (!keepDType && DTypes.IsFloating(dtype) && dtype != ScalarType.Float32)
                {
                    using var raw = t;
                    t = DisposeScope.Keep(raw.To(ScalarType.Float32));
                }
                result.Add(info.Name, t);
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        finally { ArrayPool<byte>.Shared.Return(buf); }
        return result;
    }
}
