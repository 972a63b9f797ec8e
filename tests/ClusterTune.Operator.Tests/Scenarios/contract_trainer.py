"""A minimal trainer that honours ClusterTune's trial contract (docs/trial-contract.md) without training anything.

The objective is a known function of the parameters, so tests can compute the sweep's true best (the oracle):
accuracy = 1 - |log10(lrFactor) + 1| / 4 - freezeDepth / 100 (- 0.02 with loraRank > 0: adapters cost a little accuracy). Per epoch it sleeps CT_FAKE_EPOCH_SECONDS (default 0),
writes last/ (and best/) with a manifest.json of SHA-256 hashes, pauses at CT_STOP_AT_EPOCH, resumes from CT_RESUME_FROM
(starting fresh when that checkpoint does not match its manifest), and stops on SIGTERM with status "stopped" and exit 143.
A checkpoint write that fails (no space left) exits 74 with "checkpoint write failed: ... at <dir>". CT_FAKE_HANG_ATTEMPT=n
makes attempt n sleep until killed (a pod a user deletes); CT_FAKE_FAIL=oom allocates 512 MiB (give the pod a smaller
limits.memory), error|config exit like those failures. Its trainable fraction is 1.0 for loraRank 0 and 0.05 otherwise;
above CT_MAX_TRAINABLE_PARAMS_FRACTION it refuses to train (exit 1, the message names maxTrainableParamsFraction).
CT_FAKE_PEAK_EPOCH=k makes epoch e score objective - 0.01 * |e - k| (best/ then holds epoch k, with that epoch's
metrics in its manifest); the result carries every epoch's value as "observations". CT_SEED is echoed as the metric "seed"; CT_FAKE_SEED_NOISE=a adds a * ((seed mod 1000) / 1000 - 0.5) to the objective.
The per-trial token must be readable at CT_TOKEN_FILE (the operator's Secret volume), else it fails as a config error.
"""
import errno, hashlib, json, math, os, signal, sys, time

params = json.loads(os.environ["CT_PARAMS"])
ckpt = os.environ["CT_CHECKPOINT_DIR"]
result_path = os.environ.get("CT_TERMINATION_MESSAGE_PATH", "/dev/termination-log")
epochs = int(os.environ.get("CT_EPOCHS", "3"))
stop_at = min(int(os.environ.get("CT_STOP_AT_EPOCH") or epochs), epochs)
per_epoch = float(os.environ.get("CT_FAKE_EPOCH_SECONDS", "0"))
attempt = int(os.environ.get("CT_ATTEMPT", "1"))
stopping = False


def on_term(*_):
    global stopping
    stopping = True


signal.signal(signal.SIGTERM, on_term)
trainable_fraction = 1.0 if int(params.get("loraRank", 0)) == 0 else 0.05
objective = 1 - abs(math.log10(float(params.get("lrFactor", 0.1))) + 1) / 4 - int(params.get("freezeDepth", 0)) / 100
objective -= 0.02 if int(params.get("loraRank", 0)) > 0 else 0
seed = int(os.environ.get("CT_SEED") or 0)
objective += float(os.environ.get("CT_FAKE_SEED_NOISE", "0")) * ((seed % 1000) / 1000 - 0.5)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def verified(d):
    """Whether checkpoint d matches its manifest (every listed file present with its SHA-256)."""
    try:
        with open(os.path.join(d, "manifest.json")) as f:
            files = json.load(f)["files"]
        return "model.safetensors" in files and all(sha256(os.path.join(d, n)) == h for n, h in files.items())
    except (OSError, ValueError, KeyError, TypeError):
        return False


peak = os.environ.get("CT_FAKE_PEAK_EPOCH")


def value_at(epoch):
    return objective - (0.01 * abs(epoch - int(peak)) if peak else 0)


def save(kind, epoch):
    d = os.path.join(ckpt, kind)
    try:
        write(d, epoch)
    except OSError as e:
        why = "no space left on device" if e.errno == errno.ENOSPC else e.strerror
        finish("failed", epoch - 1, 74, f"checkpoint write failed: {why} at {d}")


def write(d, epoch):
    tmp = d + ".tmp"
    import shutil
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp, exist_ok=True)
    model = os.path.join(tmp, "model.safetensors")
    with open(model, "w") as f:
        json.dump({"params": params, "epoch": epoch}, f, sort_keys=True)
    with open(os.path.join(tmp, "manifest.json"), "w") as f:
        json.dump({"epoch": epoch, "step": epoch * 10, "metrics": {"accuracy": value_at(epoch)} if epoch > 0 else {},
                   "files": {"model.safetensors": sha256(model)}}, f)
    if os.path.isdir(d):
        os.rename(d, d + ".old")
    os.rename(tmp, d)
    if os.path.isdir(d + ".old"):
        import shutil
        shutil.rmtree(d + ".old")


curve = []
best_value = None


def finish(status, epoch, code, message=None):
    result = {"status": status, "objective": best_value if epoch > 0 and best_value is not None else (objective if epoch > 0 else None),
              "metrics": {"accuracy": value_at(epoch) if epoch > 0 else objective, "seed": seed}, "observations": curve or None,
              "epoch": epoch, "step": epoch * 10, "bestCheckpoint": os.path.join(ckpt, "best"),
              "lastCheckpoint": os.path.join(ckpt, "last"), "trainableParameters": int(trainable_fraction * 400), "trainableFraction": trainable_fraction,
              "message": message}
    with open(result_path, "w") as f:
        json.dump(result, f)
    sys.exit(code)


# The token comes as a mounted Secret file, never as plain env; a pod without it could not report metrics.
token_file = os.environ.get("CT_TOKEN_FILE")
if token_file:
    try:
        with open(token_file) as f:
            token = f.read().strip()
    except OSError as e:
        finish("failed", 0, 2, f"CT_TOKEN_FILE: {e}")
    if not token:
        finish("failed", 0, 2, f"CT_TOKEN_FILE: {token_file} is empty")

limit = os.environ.get("CT_MAX_TRAINABLE_PARAMS_FRACTION")
if limit and trainable_fraction > float(limit):
    finish("failed", 0, 1, f"trainable fraction {trainable_fraction} is above maxTrainableParamsFraction {limit}")

fail = os.environ.get("CT_FAKE_FAIL")
if fail == "config":
    finish("failed", 0, 2, "CT_PARAMS.lrFactor: bad value")
if fail == "error":
    finish("failed", 0, 1, "RuntimeError: shape mismatch")
if fail == "oom":
    ballast = b"x" * (512 << 20)
    time.sleep(60)
if os.environ.get("CT_FAKE_HANG_ATTEMPT") == str(attempt):
    while not stopping:
        time.sleep(0.05)
    finish("stopped", 0, 143, "stopped before the first epoch")

try:
    os.makedirs(ckpt, exist_ok=True)
except OSError as e:
    finish("failed", 0, 74, f"checkpoint write failed: {e.strerror} at {ckpt}")
start = 0
resume = os.environ.get("CT_RESUME_FROM")
if resume and verified(resume):
    with open(os.path.join(resume, "model.safetensors")) as f:
        held = json.load(f)
    start = held["epoch"]
    print(f"resumed from a checkpoint trained with lrFactor {held['params'].get('lrFactor')}", flush=True)
elif resume:
    print(f"warning: resume checkpoint {resume} does not match its manifest; starting fresh from epoch 0", flush=True)
if start > 0 and verified(os.path.join(ckpt, "best")):
    with open(os.path.join(ckpt, "best", "manifest.json")) as f:
        best_value = json.load(f).get("metrics", {}).get("accuracy", best_value)
print(f"attempt {attempt} starts after epoch {start}", flush=True)
for epoch in range(start + 1, stop_at + 1):
    deadline = time.time() + per_epoch
    while time.time() < deadline and not stopping:
        time.sleep(0.02)
    if stopping:
        save("last", epoch - 1)
        finish("stopped", epoch - 1, 143, "stop requested (SIGTERM)")
    save("last", epoch)
    curve.append({"epoch": epoch, "step": epoch * 10, "value": value_at(epoch)})
    if best_value is None or value_at(epoch) >= best_value:
        best_value = value_at(epoch)
        save("best", epoch)
finish("succeeded", stop_at, 0, None if stop_at == epochs else f"paused after {stop_at} epochs")
