#!/usr/bin/python3
"""PyTorch peer of ClusterTune's trainer step for `make bench-trainer` (Debian python3-torch, same libtorch).

Same model (clustertune-cnn-v1), same LoRA formulation (W + alpha/r * B@A, conv weights as matrices), same
freezing, AdamW with two parameter groups, warmup + cosine schedule, same batch gathering from a pre-normalized
array. Prints one JSON line: {"steps": n, "seconds": s, "steps_per_s": x, "peak_rss_mib": m, "rss_mib": [...]}.
"""
import argparse, gzip, json, math, os, resource, struct, sys, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "ClusterTune.Trainer", "python"))
from clustertune_cnn import Cnn  # noqa: E402  the one PyTorch definition of clustertune-cnn-v1


class Lora(nn.Module):
    def __init__(self, layer, rank, alpha):
        super().__init__()
        self.conv = isinstance(layer, nn.Conv2d)
        self.stride, self.padding = (layer.stride, layer.padding) if self.conv else (None, None)
        self.weight = layer.weight
        self.weight.requires_grad_(False)
        self.bias = layer.bias
        fan_in = self.weight[0].numel()
        bound = 1.0 / math.sqrt(fan_in)
        self.lora_A = nn.Parameter(torch.empty(rank, fan_in).uniform_(-bound, bound))
        self.lora_B = nn.Parameter(torch.zeros(self.weight.shape[0], rank))
        self.scale = alpha / rank

    def forward(self, x):
        w = self.weight + (self.lora_B @ self.lora_A * self.scale).view(self.weight.shape)
        if self.conv:
            return F.conv2d(x, w, self.bias, self.stride, self.padding)
        return F.linear(x, w, self.bias)


def fine_tune(model, freeze_depth, rank, alpha):
    units = [("stem", model.stem)] + [(f"blocks.{i}", b) for i, b in enumerate(model.blocks)]
    for i, (name, unit) in enumerate(units):
        frozen = freeze_depth > 0 and i <= freeze_depth  # stem + first k blocks
        if frozen:
            for p in unit.parameters():
                p.requires_grad_(False)
        elif rank > 0:
            attr = "conv" if hasattr(unit, "conv") else "fc"
            setattr(unit, attr, Lora(getattr(unit, attr), rank, alpha))
    head = list(model.head.parameters())
    adapted = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("head.")]
    return adapted, head


def load_fashion(root, limit):
    with gzip.open(os.path.join(root, "fashion-mnist", "train-images-idx3-ubyte.gz")) as f:
        data = f.read()
    n, h, w = struct.unpack(">III", data[4:16])
    x = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, h * w)[:limit].astype(np.float32) / 255.0
    with gzip.open(os.path.join(root, "fashion-mnist", "train-labels-idx1-ubyte.gz")) as f:
        y = np.frombuffer(f.read(), dtype=np.uint8, offset=8)[:limit].astype(np.int64)
    x = (x - x.mean()) / x.std()
    return torch.from_numpy(x.copy()), torch.from_numpy(y.copy())


def rss_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--data", required=True)
    a.add_argument("--steps", type=int, default=200)
    a.add_argument("--warmup", type=int, default=20)
    a.add_argument("--batch", type=int, default=64)
    a.add_argument("--threads", type=int, default=2)
    a.add_argument("--freeze-depth", type=int, default=1)
    a.add_argument("--lora-rank", type=int, default=4)
    a.add_argument("--limit", type=int, default=10000)
    a.add_argument("--rss-every", type=int, default=0)
    a.add_argument("--seed", type=int, default=0)
    args = a.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x, y = load_fashion(args.data, args.limit)
    model = Cnn()
    adapted, head = fine_tune(model, args.freeze_depth, args.lora_rank, float(max(args.lora_rank, 1)))
    base_lr = 1e-3
    opt = torch.optim.AdamW([{"params": adapted, "lr": base_lr}, {"params": head, "lr": base_lr}], lr=base_lr, weight_decay=0.01)
    total = args.warmup + args.steps
    warm = max(1, total // 10)
    gen = torch.Generator().manual_seed(args.seed)
    order = torch.randperm(x.shape[0], generator=gen)
    pos = 0
    rss = []

    def step(i):
        nonlocal pos, order
        if pos + args.batch > x.shape[0]:
            order = torch.randperm(x.shape[0], generator=gen)
            pos = 0
        idx = order[pos:pos + args.batch]
        pos += args.batch
        xb = x.index_select(0, idx).view(-1, 1, 28, 28)
        yb = y.index_select(0, idx)
        m = i / warm if i < warm else 0.5 * (1 + math.cos(math.pi * (i - warm) / max(1, total - warm)))
        for g in opt.param_groups:
            g["lr"] = base_lr * m
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        return loss.item()

    for i in range(args.warmup):
        step(i)
    t = time.perf_counter()
    for i in range(args.steps):
        step(args.warmup + i)
        if args.rss_every and i % args.rss_every == 0:
            rss.append(round(rss_mib(), 1))
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"impl": "pytorch", "steps": args.steps, "seconds": seconds, "steps_per_s": args.steps / seconds,
                      "peak_rss_mib": round(peak, 1), "rss_mib": rss}))


if __name__ == "__main__":
    main()
