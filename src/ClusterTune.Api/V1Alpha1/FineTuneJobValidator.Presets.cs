using ClusterTune.Api.Contract;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>spec.searchSpace.preset and the lrFactor / loraLrFactor split it and the default space bring.</summary>
public static partial class FineTuneJobValidator
{
    private static void ValidatePreset(SearchSpace space, List<FieldError> e)
    {
        if (space.Preset is { } preset && SearchSpacePresets.Find(preset) is null)
        {
            e.Add(new("spec.searchSpace.preset", $"{Quote(preset)} is not a preset",
                $"use one of: {SearchSpacePresets.Names} (`ctune presets` prints the space each expands to), or remove it"));
        }

        if (space.LoraLrFactor is null)
        {
            return;
        }

        // The split is made from loraRank's value (lrFactor when it is 0, loraLrFactor otherwise); a condition of
        // the user's own would contradict it.
        foreach (var (name, p) in new[] { (KnobNames.LrFactor, space.LrFactor), (SearchSpace.LoraLrFactorName, space.LoraLrFactor) })
        {
            if (p?.Condition is not null)
            {
                e.Add(new($"spec.searchSpace.{name}.condition", $"{name} is already conditional on loraRank while loraLrFactor is set (lrFactor for loraRank 0, loraLrFactor for loraRank > 0)",
                    "remove the condition; to give every trial one lrFactor range, set lrFactor and leave loraLrFactor unset"));
            }
        }
    }
}
