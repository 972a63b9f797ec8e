using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Operator.Planning;

/// <summary>What <see cref="NotificationPolicy.Plan"/> decided: every delivery record to keep in status, those to POST now, and when to look again.</summary>
/// <param name="Records">status.notifications after this reconcile (new events added, records of removed targets dropped).</param>
/// <param name="Due">The records (among <paramref name="Records"/>) whose next attempt is now.</param>
/// <param name="NextAttemptIn">How soon the earliest pending retry is due (null: nothing is waiting).</param>
public sealed record NotificationPlan(List<NotificationStatus> Records, IReadOnlyList<NotificationStatus> Due, TimeSpan? NextAttemptIn);
