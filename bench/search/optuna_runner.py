#!/usr/bin/python3
"""Optuna peer for `make bench-search`: the same multi-fidelity objectives as the C# bench, run with Optuna's
TPESampler plus HyperbandPruner or MedianPruner, at the same trial-epoch budget. Prints one JSON object per seed.

The objectives MUST stay identical to bench/search/{Branin,Hartmann6,FineTuneCurves,RecordedCurves,SimHash}.cs;
`--check` prints fixed points that the C# bench compares against its own values before it runs.
"""
import argparse
import json
import math
import os
import struct
import sys

M = (1 << 64) - 1


def mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return z ^ (z >> 31)


def hash_keys(*keys):
    x = 0x9E3779B97F4A7C15
    for k in keys:
        x = mix(((x ^ (k & M)) + 0x9E3779B97F4A7C15) & M)
    return x


def gaussian(*keys):
    h1 = hash_keys(*keys)
    h2 = mix(h1 ^ 0xD1B54A32D192ED03)
    u1 = ((h1 >> 11) + 0.5) / 9007199254740992.0
    u2 = ((h2 >> 11) + 0.5) / 9007199254740992.0
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def finetune_curve(k, f, r, epoch, seed, max_epochs=27):
    lf = math.log10(f)
    opt = -1.0 + 0.1 * k if r == 0 else -0.6
    d = lf - opt
    if r == 0:
        a0 = 87.5 + 2.4 * k - 0.7 * k * k
    else:
        l = math.log2(r / 4.0)
        a0 = 88.5 + 1.2 * l - 0.4 * l * l + 1.0 * k - 0.35 * k * k
    a = a0 - 7.0 * d * d
    tau = 1.5 * math.pow(10.0, -0.3 * d) * (1.0 + 0.1 * k) * (1.0 if r == 0 else 1.2)
    tau = min(80.0, max(0.4, tau))
    over = max(0.0, d) * (4.0 if r == 0 else 2.0)
    frac = epoch / max_epochs
    acc = 10.0 + (a - 10.0) * (1.0 - math.exp(-epoch / tau)) - over * frac
    return acc + 0.25 * gaussian(seed, k, bits(f), r, epoch)


def branin_f(x1, x2):
    b = 5.1 / (4 * math.pi * math.pi)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    q = x2 - b * x1 * x1 + c * x1 - 6
    return q * q + 10 * (1 - t) * math.cos(x1) + 10


def branin(p, epoch, seed, max_epochs=9):
    x1, x2 = p["x1"], p["x2"]
    s = (1 + math.sin(x1 + 0.5 * x2)) / 2
    return branin_f(x1, x2) + (1 - epoch / max_epochs) * (5 + 10 * s)


ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
     [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]


def hartmann6_f(x):
    total = 0.0
    for i in range(4):
        inner = 0.0
        for j in range(6):
            d = x[j] - P[i][j]
            inner += A[i][j] * d * d
        total += ALPHA[i] * math.exp(-inner)
    return -total


def hartmann6(p, epoch, seed, max_epochs=9):
    x = [p[f"x{i}"] for i in range(6)]
    bias = 0.5 + (1 + math.sin(3 * x[0] + 2 * x[3])) / 2
    return hartmann6_f(x) + (1 - epoch / max_epochs) * bias


def finetune(p, epoch, seed, max_epochs=27):
    return finetune_curve(p["freezeDepth"], p["lrFactor"], p["loraRank"], epoch, seed, max_epochs)


# The recorded learning curves (RecordedCurves.cs): data/finetune-curves.csv next to this script.
FREEZE = [0, 1, 2, 3]
LR = [0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
RANK = [0, 2, 4, 8]
REPLAY_MAX_SEEDS = 3
REPLAY_EPOCHS = 20
_curves = None
_seeds = None


def curves():
    """(curves, seeds): the recorded values and how many seeds every config has (as RecordedCurves.Load)."""
    global _curves, _seeds
    if _curves is None:
        import csv
        _curves = {}
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "finetune-curves.csv")) as f:
            for row in csv.DictReader(f):
                c = config_index(int(row["freezeDepth"]), float(row["lrFactor"]), int(row["loraRank"]))
                _curves[(c, int(row["seed"]), int(row["epoch"]))] = 100 * float(row["accuracy"])
        n = len(FREEZE) * len(LR) * len(RANK)
        _seeds = 0
        while _seeds < REPLAY_MAX_SEEDS and all((c, _seeds, REPLAY_EPOCHS) in _curves for c in range(n)):
            _seeds += 1
    return _curves, _seeds


def config_index(k, f, r):
    fi = next(i for i, x in enumerate(LR) if abs(x - f) < 1e-9)
    return (FREEZE.index(k) * len(LR) + fi) * len(RANK) + RANK.index(r)


def nearest_config(p):
    f = min(LR, key=lambda x: abs(math.log(x) - math.log(p["lrFactor"])))
    return config_index(int(p["freezeDepth"]), f, int(p["loraRank"]))


def replay(p, epoch, seed, max_epochs=REPLAY_EPOCHS):
    c = nearest_config(p)
    values, seeds = curves()
    return values[(c, hash_keys(seed, c) % seeds, epoch)]


OBJECTIVES = {
    # name: (function, direction, max epochs, suggest)
    "branin": (branin, "minimize", 9, lambda t: {"x1": t.suggest_float("x1", -5, 10), "x2": t.suggest_float("x2", 0, 15)}),
    "hartmann6": (hartmann6, "minimize", 9, lambda t: {f"x{i}": t.suggest_float(f"x{i}", 0, 1) for i in range(6)}),
    "finetune-sim": (finetune, "maximize", 27, lambda t: {
        "freezeDepth": t.suggest_int("freezeDepth", 0, 4),
        "lrFactor": t.suggest_float("lrFactor", 1e-3, 1.0, log=True),
        "loraRank": t.suggest_categorical("loraRank", [0, 4, 8, 16]),
    }),
    "finetune-real-categorical": (replay, "maximize", REPLAY_EPOCHS, lambda t: {
        "freezeDepth": t.suggest_categorical("freezeDepth", FREEZE),
        "lrFactor": t.suggest_categorical("lrFactor", LR),
        "loraRank": t.suggest_categorical("loraRank", RANK),
    }),
    "finetune-real-typed": (replay, "maximize", REPLAY_EPOCHS, lambda t: {
        "freezeDepth": t.suggest_int("freezeDepth", FREEZE[0], FREEZE[-1]),
        "lrFactor": t.suggest_float("lrFactor", LR[0], LR[-1], log=True),
        "loraRank": t.suggest_categorical("loraRank", RANK),
    }),
}


def check():
    pts = []
    for (k, f, r, e, s) in [(0, 0.1, 0, 1, 0), (2, 0.0316, 8, 5, 3), (4, 0.9, 16, 27, 7), (1, 0.001, 4, 13, 11), (3, 0.25, 0, 20, 2)]:
        pts.append({"kind": "finetune", "args": [k, f, r, e, s], "value": finetune_curve(k, f, r, e, s)})
    for (x1, x2, e) in [(-3.14159, 12.275, 9), (0.0, 0.0, 1), (9.42478, 2.475, 4)]:
        pts.append({"kind": "branin", "args": [x1, x2, e], "value": branin({"x1": x1, "x2": x2}, e, 0)})
    for (x, e) in [([0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573], 9), ([0.5] * 6, 3)]:
        pts.append({"kind": "hartmann6", "args": x + [e], "value": hartmann6({f"x{i}": x[i] for i in range(6)}, e, 0)})
    if os.path.exists(os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "finetune-curves.csv")):
        for (k, f, r, e, s) in [(0, 0.03, 0, 1, 0), (1, 0.25, 2, 7, 5), (3, 10.0, 8, 20, 29), (2, 1.2, 4, 13, 17)]:
            pts.append({"kind": "replay", "args": [k, f, r, e, s],
                        "value": replay({"freezeDepth": k, "lrFactor": f, "loraRank": r}, e, s)})
    print(json.dumps(pts))


def run(objective, seed, budget, pruner_name, workers=1, sampler_name="tpe"):
    """Runs `workers` trials at a time, as one study shared by that many workers (n_jobs or a shared storage): each
    tick every running trial trains one epoch, reports it and may be pruned, and free slots ask for new trials at
    the start of the next tick, as ClusterTune's bench simulator does. With more than one worker the sampler uses
    Optuna's constant liar (running trials count as bad), its setting for parallel optimisation."""
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    import warnings
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    fn, direction, max_epochs, suggest = OBJECTIVES[objective]
    if pruner_name == "hyperband":
        pruner = optuna.pruners.HyperbandPruner(min_resource=1, max_resource=max_epochs, reduction_factor=3)
    elif pruner_name == "sh":
        pruner = optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
    elif pruner_name == "median":
        pruner = optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=1)
    else:
        pruner = optuna.pruners.NopPruner()
    if sampler_name == "cmaes":
        sampler = optuna.samplers.CmaEsSampler(seed=seed)
    elif sampler_name == "random":
        sampler = optuna.samplers.RandomSampler(seed=seed)
    else:
        sampler = optuna.samplers.TPESampler(seed=seed, constant_liar=True) if workers > 1 else optuna.samplers.TPESampler(seed=seed)
    # A fixed study name: HyperbandPruner assigns brackets by hashing it, so a random name makes runs irreproducible.
    study = optuna.create_study(study_name=f"bench-{objective}-{pruner_name}-{seed}" + ("" if sampler_name == "tpe" else f"-{sampler_name}"), direction=direction,
                                sampler=sampler, pruner=pruner)
    used = 0
    trace = []  # (trial-epochs used when a full-length trial finished, its final value)
    trials = 0
    running = []  # [trial, params, epochs done]
    starts = []  # (trial-epochs used when a trial started, its recorded config), replayed objectives only
    while True:
        while len(running) < workers and used < budget:
            trial = study.ask()
            trials += 1
            running.append([trial, suggest(trial), 0])
            if fn is replay:
                starts.append([used, nearest_config(running[-1][1])])
        if not running:
            break
        for slot in list(running):
            if used >= budget:
                break
            trial, p, done = slot
            used += 1
            done = slot[2] = done + 1
            value = fn(p, done, seed, max_epochs)
            if done == max_epochs:
                study.tell(trial, value)
                trace.append([used, value])
                running.remove(slot)
                continue
            trial.report(value, done)
            if trial.should_prune():
                study.tell(trial, state=optuna.trial.TrialState.PRUNED)
                running.remove(slot)
        if used >= budget:
            for trial, _, _ in running:
                study.tell(trial, state=optuna.trial.TrialState.FAIL)
            break
    return {"seed": seed, "epochs": used, "trials": trials, "trace": trace, "starts": starts}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--objective")
    ap.add_argument("--pruner", choices=["hyperband", "sh", "median", "none"])
    ap.add_argument("--sampler", choices=["tpe", "random", "cmaes"], default="tpe")
    ap.add_argument("--budget", type=int)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--workers", type=int, default=1)
    a = ap.parse_args()
    if a.check:
        check()
        return
    for seed in range(a.seeds):
        print(json.dumps(run(a.objective, seed, a.budget, a.pruner, a.workers, a.sampler)), flush=True)


if __name__ == "__main__":
    sys.exit(main())
