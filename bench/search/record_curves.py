#!/usr/bin/python3
"""Records the real learning curves that `make bench-search` replays (the `finetune-real` objectives): every config of
freezeDepth × lrFactor × loraRank below, 3 seeds, 20 epochs, fine-tuned by ClusterTune.Trainer on few-label MNIST from
the Fashion-MNIST base model (`make pretrained`). Appends to the CSV and skips rows already there, so it can resume.

    python3 bench/search/record_curves.py [--trainer path/to/ClusterTune.Trainer.dll] [--out bench/search/data/finetune-curves.csv]
    # n recorders at once, then one file:
    python3 bench/search/record_curves.py --part 0/2 --out /tmp/part0.csv & python3 bench/search/record_curves.py --part 1/2 --out /tmp/part1.csv
    python3 bench/search/record_curves.py --merge /tmp/part0.csv /tmp/part1.csv

About 4 s per run on one core here (288 runs); the CSV is committed so the bench does not retrain.
"""
import argparse
import csv
import itertools
import json
import os
import subprocess
import tempfile

FREEZE = [0, 1, 2, 3]
LR = [0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
RANK = [0, 2, 4, 8]
SEEDS = [0, 1, 2]
EPOCHS = 20
LABELS_PER_CLASS = 10
EVAL_LIMIT = 500


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    cache = os.environ.get("CT_CACHE", os.path.expanduser("~/.cache/clustertune"))
    ap = argparse.ArgumentParser()
    ap.add_argument("--trainer", default=os.path.join(root, "src/ClusterTune.Trainer/bin/Release/net10.0/ClusterTune.Trainer.dll"))
    ap.add_argument("--out", default=os.path.join(root, "bench/search/data/finetune-curves.csv"))
    ap.add_argument("--part", default="0/1", help="i/n: record only every n-th run from the i-th (to run n recorders at once)")
    ap.add_argument("--merge", nargs="+", help="merge these recorder outputs into --out (sorted, each run once)")
    a = ap.parse_args()
    if a.merge:
        merge(a.merge, a.out)
        return
    part, parts = (int(x) for x in a.part.split("/"))
    done = set()
    if os.path.exists(a.out):
        with open(a.out) as f:
            for row in csv.DictReader(f):
                done.add((int(row["freezeDepth"]), float(row["lrFactor"]), int(row["loraRank"]), int(row["seed"])))
    new = not os.path.exists(a.out)
    with open(a.out, "a", newline="") as out:
        w = csv.writer(out)
        if new:
            w.writerow(["freezeDepth", "lrFactor", "loraRank", "seed", "epoch", "accuracy"])
        # Seed by seed, so a partial file already holds whole grids (the bench replays the seeds every config has).
        for i, (s, k, f, r) in enumerate(itertools.product(SEEDS, FREEZE, LR, RANK)):
            if (k, f, r, s) in done or i % parts != part:
                continue
            with tempfile.TemporaryDirectory() as tmp:
                env = dict(os.environ,
                           CT_MODEL_URI=os.path.join(cache, "models/clustertune-cnn-fashion/base"),
                           CT_DATA_URI=os.path.join(cache, "data"), CT_CHECKPOINT_DIR=tmp,
                           CT_TERMINATION_MESSAGE_PATH=os.path.join(tmp, "result.json"),
                           CT_PARAMS=json.dumps({"freezeDepth": k, "lrFactor": f, "loraRank": r}),
                           CT_SEED=str(s), CT_EPOCHS=str(EPOCHS), CT_BATCH_SIZE="32",
                           CT_LABELS_PER_CLASS=str(LABELS_PER_CLASS), CT_EVAL_LIMIT=str(EVAL_LIMIT),
                           OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:1", CT_TOKEN="unused")
                subprocess.run(["dotnet", a.trainer, "train"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                with open(os.path.join(tmp, "result.json")) as f_:
                    res = json.load(f_)
            obs = {o["epoch"]: o["value"] for o in res.get("observations", [])}
            # A diverged run (NaN loss) fails; its curve is recorded as chance level from where it stopped.
            last = 0.1
            for e in range(1, EPOCHS + 1):
                last = obs.get(e, last if res.get("status") == "succeeded" else 0.1)
                w.writerow([k, f, r, s, e, f"{last:.4f}"])
            out.flush()
            print(f"freezeDepth={k} lrFactor={f} loraRank={r} seed={s}: {res.get('status')} {res.get('objective')}", flush=True)


def merge(inputs, out):
    rows = {}
    for path in inputs:
        with open(path) as f:
            for row in csv.DictReader(f):
                key = (int(row["seed"]), int(row["freezeDepth"]), float(row["lrFactor"]), int(row["loraRank"]), int(row["epoch"]))
                rows[key] = row["accuracy"]
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["freezeDepth", "lrFactor", "loraRank", "seed", "epoch", "accuracy"])
        for (s, k, lr, r, e), acc in sorted(rows.items()):
            w.writerow([k, lr, r, s, e, acc])


if __name__ == "__main__":
    main()
