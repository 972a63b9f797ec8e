namespace ClusterTune.Trainer.Data;

/// <summary>Picks a fixed number of examples per class, reproducibly from a seed (the few-label fine-tuning set).</summary>
public static class FewLabelSampler
{
    /// <summary>Indices (ascending) of <paramref name="perClass"/> examples of each class in 0..<paramref name="classCount"/>-1.</summary>
    public static int[] Sample(IReadOnlyList<int> labels, int classCount, int perClass, int seed)
    {
        if (perClass <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(perClass), perClass, "labelsPerClass must be > 0");
        }

        var byClass = new List<int>[classCount];
        for (var c = 0; c < classCount; c++)
        {
            byClass[c] = [];
        }

        for (var i = 0; i < labels.Count; i++)
        {
            byClass[labels[i]].Add(i);
        }

        var random = new Random(seed);
        var picked = new List<int>(perClass * classCount);
        for (var c = 0; c < classCount; c++)
        {
            var pool = byClass[c].ToArray();
            if (pool.Length < perClass)
            {
                throw new ArgumentOutOfRangeException(nameof(perClass), perClass, $"class {c} has only {pool.Length} examples; lower labelsPerClass");
            }

            random.Shuffle(pool);
            picked.AddRange(pool.Take(perClass));
        }

        picked.Sort();
        return [.. picked];
    }
}
