namespace ClusterTune.Api.Contract;

/// <summary>Environment variables of the trial contract: what the operator sets and every trainer reads.</summary>
public static class TrialEnv
{
    public const string Job = "CT_JOB";
    public const string Trial = "CT_TRIAL";
    /// <summary>The trial's parameter assignment as a JSON object, e.g. {"freezeDepth":2,"lrFactor":0.1,"loraRank":4}.</summary>
    public const string Params = "CT_PARAMS";
    public const string ModelUri = "CT_MODEL_URI";
    public const string DataUri = "CT_DATA_URI";
    public const string CheckpointDir = "CT_CHECKPOINT_DIR";
    /// <summary>Checkpoint to resume from exactly (weights, optimizer, schedule); empty for a fresh start.</summary>
    public const string ResumeFrom = "CT_RESUME_FROM";
    /// <summary>
    /// Per-trial token the trainer sends with its metrics so the operator can reject forged points. The operator never
    /// sets it (pod env is readable by anyone who can read pods): it mounts the token as a file, see <see cref="TokenFile"/>.
    /// Manual runs may still pass it directly.
    /// </summary>
    public const string Token = "CT_TOKEN";
    /// <summary>Path of a file holding the per-trial token (a read-only Secret volume the operator mounts).</summary>
    public const string TokenFile = "CT_TOKEN_FILE";
    /// <summary>Where the operator mounts the token Secret in the trainer container.</summary>
    public const string DefaultTokenDirectory = "/var/run/clustertune/token";
    /// <summary>The key of the token in the per-attempt Secret, which is also the file name under <see cref="DefaultTokenDirectory"/>.</summary>
    public const string TokenSecretKey = "token";
    public const string Epochs = "CT_EPOCHS";
    /// <summary>
    /// Pause point of a staged trial (ASHA promote mode): train until this many epochs in total, save last/ and exit 0;
    /// CT_EPOCHS stays the full length so the LR schedule does not depend on the rung. Empty = train to CT_EPOCHS.
    /// </summary>
    public const string StopAtEpoch = "CT_STOP_AT_EPOCH";
    public const string BatchSize = "CT_BATCH_SIZE";
    public const string PretrainingLearningRate = "CT_PRETRAINING_LR";
    public const string Objective = "CT_OBJECTIVE";
    /// <summary>Where the final result JSON goes (Kubernetes' termination-message path).</summary>
    public const string TerminationMessagePath = "CT_TERMINATION_MESSAGE_PATH";
    public const string DefaultTerminationMessagePath = "/dev/termination-log";
    public const string OtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string OtlpHeaders = "OTEL_EXPORTER_OTLP_HEADERS";
    public const string ResourceAttributes = "OTEL_RESOURCE_ATTRIBUTES";
    /// <summary>OTLP header that carries <see cref="Token"/>.</summary>
    public const string TokenHeader = "x-clustertune-token";
    /// <summary>Validation data the objective is measured on (spec.dataset.validationUri); empty when absent.</summary>
    public const string ValidationDataUri = "CT_VALIDATION_DATA_URI";
    /// <summary>Few-label regime: training examples per class to use (spec.dataset.labelsPerClass); empty = all.</summary>
    public const string LabelsPerClass = "CT_LABELS_PER_CLASS";
    /// <summary>Architecture name of the base model (spec.model.architecture); empty when absent.</summary>
    public const string ModelArchitecture = "CT_MODEL_ARCHITECTURE";
    /// <summary>Attempt number of this pod (1-based), so trainers can tell a retry from a first run.</summary>
    public const string Attempt = "CT_ATTEMPT";
    /// <summary>
    /// Compute device: auto (CUDA when the trainer's runtime reports one), cpu, cuda or cuda:N. The operator sets cuda
    /// for pods that request nvidia.com/gpu; unset means auto.
    /// </summary>
    public const string Device = "CT_DEVICE";
    /// <summary>
    /// spec.searchSpace.constraints.maxTrainableParamsFraction (e.g. 0.1); empty when unset. The operator skips settings
    /// it can count as violating; a trainer still refuses to train above it (exit 1, the message names the constraint).
    /// </summary>
    public const string MaxTrainableParamsFraction = "CT_MAX_TRAINABLE_PARAMS_FRACTION";
    /// <summary>The trial's own seed (init, sampling, data order), derived from spec.algorithm.seed and the trial index.</summary>
    public const string Seed = "CT_SEED";
    /// <summary>The value of <see cref="Device"/> for pods that request nvidia.com/gpu.</summary>
    public const string DeviceCuda = "cuda";
}
