using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace ClusterTune.Operator.Grains;

/// <summary>Places a job grain on the silo that <see cref="JobPartition"/> says owns the job.</summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class JobPartitionPlacement : PlacementStrategy
{
    /// <summary>The one instance.</summary>
    public static readonly JobPartitionPlacement Instance = new();
}

/// <summary>Marks a grain class for <see cref="JobPartitionPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class JobPartitionPlacementAttribute() : PlacementAttribute(JobPartitionPlacement.Instance);

/// <summary>The director of <see cref="JobPartitionPlacement"/>: the owner among the silos compatible with the grain.</summary>
public sealed class JobPartitionPlacementDirector : IPlacementDirector
{
    /// <inheritdoc />
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context) =>
        Task.FromResult(JobPartition.Owner(target.GrainIdentity.Key.ToString()!, context.GetCompatibleSilos(target))
            ?? throw new OrleansException($"no silo can host {target.GrainIdentity}"));
}
