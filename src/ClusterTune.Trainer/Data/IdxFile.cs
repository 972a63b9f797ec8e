using System.Buffers.Binary;
using System.IO.Compression;

namespace ClusterTune.Trainer.Data;

/// <summary>Reader of the IDX format (big-endian header, unsigned bytes) used by (Fashion-)MNIST, optionally gzipped.</summary>
internal static class IdxFile
{
    private const int UnsignedByteType = 0x08;

    /// <summary>Reads an idx3 image file; pixels scaled to [0, 1].</summary>
    public static (float[] Pixels, int Count, int Height, int Width) ReadImages(string path)
    {
        var bytes = ReadAll(path);
        var dims = Header(path, bytes, 3);
        var (count, height, width) = (dims[0], dims[1], dims[2]);
        var offset = 4 + (4 * 3);
        var expected = (long)count * height * width;
        if (bytes.Length - offset != expected)
        {
            throw new InvalidDataException($"{path}: expected {expected} pixel bytes after the header, found {bytes.Length - offset}");
        }

        var pixels = new float[expected];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = bytes[offset + i] / 255f;
        }

        return (pixels, count, height, width);
    }

    /// <summary>Reads an idx1 label file.</summary>
    public static int[] ReadLabels(string path)
    {
        var bytes = ReadAll(path);
        var count = Header(path, bytes, 1)[0];
        var offset = 4 + 4;
        if (bytes.Length - offset != count)
        {
            throw new InvalidDataException($"{path}: expected {count} label bytes after the header, found {bytes.Length - offset}");
        }

        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = bytes[offset + i];
        }

        return labels;
    }

    private static int[] Header(string path, byte[] bytes, int rank)
    {
        if (bytes.Length < 4 + (4 * rank) || bytes[0] != 0 || bytes[1] != 0)
        {
            throw new InvalidDataException($"{path}: not an IDX file (bad magic number)");
        }

        if (bytes[2] != UnsignedByteType || bytes[3] != rank)
        {
            throw new InvalidDataException($"{path}: expected unsigned-byte data of rank {rank}, found type 0x{bytes[2]:x2} rank {bytes[3]}");
        }

        var dims = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + (4 * i), 4));
        }

        return dims;
    }

    private static byte[] ReadAll(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} does not exist; run 'make data' (or set CT_DATA_URI to the data directory)", path);
        }

        using var file = File.OpenRead(path);
        using var output = new MemoryStream();
        try
        {
            if (path.EndsWith(".gz", StringComparison.Ordinal))
            {
                using var gzip = new GZipStream(file, CompressionMode.Decompress);
                gzip.CopyTo(output);
            }
            else
            {
                file.CopyTo(output);
            }
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: not a valid gzip file ({e.Message}); run 'make data-clean data'", e);
        }

        return output.ToArray();
    }
}
