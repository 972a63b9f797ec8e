namespace ClusterTune.Trainer.Contract;

/// <summary>Bad trial input (environment, flags, CT_PARAMS); the message names the field and the fix.</summary>
public sealed class TrialConfigurationException(string message) : Exception(message);
