namespace ClusterTune.Trainer.Contract;

/// <summary>The trial's settings break a search-space constraint (e.g. maxTrainableParamsFraction): it must not train.</summary>
public sealed class ConstraintViolatedException(string message) : Exception(message);
