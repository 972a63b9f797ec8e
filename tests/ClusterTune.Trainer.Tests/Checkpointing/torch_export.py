#!/usr/bin/python3
"""Writes safetensors checkpoints of clustertune-cnn-v1 with Debian's PyTorch, for PretrainedImportTests.

Debian has no python3-safetensors, so the format (8-byte little-endian header length, JSON header, raw data) is
written here from its specification. Usage: torch_export.py OUT_DIR
"""
import json, os, struct, sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "src", "ClusterTune.Trainer", "python"))
from clustertune_cnn import ARCHITECTURE, Cnn  # noqa: E402

DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.float64: "F64"}


def save(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = metadata
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw + b"".join(blobs))


def main():
    out = sys.argv[1]
    torch.manual_seed(11)
    model = Cnn(classes=10).eval()
    state = model.state_dict()
    x = torch.randn(4, 1, 28, 28)
    with torch.no_grad():
        logits = model(x)
        # A Lightning-style checkpoint: every name under "model.", stored as float16 without metadata.
        half = {k: v.half() for k, v in state.items()}
        model.load_state_dict({k: v.float() for k, v in half.items()})
        half_logits = model(x)
    save(os.path.join(out, "plain.safetensors"), state, {"architecture": ARCHITECTURE, "pretrainingLr": "0.002"})
    save(os.path.join(out, "lightning-f16.safetensors"), {"model." + k: v for k, v in half.items()})
    renamed = {k.replace("blocks.", "features."): v for k, v in state.items()}
    save(os.path.join(out, "other-names.safetensors"), renamed, {"pretrainingLr": "0.002"})
    transposed = dict(state, **{"blocks.3.fc.weight": state["blocks.3.fc.weight"].t()})
    save(os.path.join(out, "bad-shape.safetensors"), transposed, {"pretrainingLr": "0.002"})
    save(os.path.join(out, "expected.safetensors"), {"input": x, "logits": logits, "half_logits": half_logits})
    print(json.dumps({"torch": torch.__version__, "tensors": len(state)}))


if __name__ == "__main__":
    main()
