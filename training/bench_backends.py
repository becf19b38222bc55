"""Latency of the onnx backend vs the detoxify backend on the same checkpoint, plus cold init.

Usage (from the repo root):
    .venv-torch/bin/python -m training.bench_backends [--n 300] [--threads 1]

Both backends run the trained chatmod-minilm weights: the onnx backend serves
layers/model/chatmod-minilm (the int8 export) and the detoxify backend loads
artifacts/chatmod-minilm.ckpt, or, in a clone without training output, the checkpoint rebuilt
from the shipped int8 folder and its weights map (``weights_folder.py``). One message per call,
as the chat review handler sees them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from training.paths import REPO, TRAINING

CHECKPOINT = REPO / "artifacts" / "chatmod-minilm.ckpt"
HF_CONFIG = TRAINING / "hf_config" / "chatmod-minilm"
MODEL_DIR = REPO / "layers" / "model" / "chatmod-minilm"

MESSAGES = (
    "lol that play was insane",
    "you are such an idiot, uninstall the game",
    "hey chat, what's the song playing right now?",
    "gg wp everyone, see you tomorrow at 8",
    "this streamer is trash and so are all of you",
    "can someone link the build guide pls",
    "I'm a proud Black woman and I love this community",
    "shut the f up nobody asked for your opinion",
)

COLD_INIT = """
import sys, time
t0 = time.perf_counter()
from chatmod.model.factory import load_model
t1 = time.perf_counter()
model = load_model("onnx", model_dir={model_dir!r}, threads=1)
t2 = time.perf_counter()
model.predict(["first message of the day"])
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""


def time_backend(model: object, n: int) -> np.ndarray:
    predict = model.predict  # type: ignore[attr-defined]
    for msg in MESSAGES:
        predict([msg])
    times = np.zeros(n)
    for i in range(n):
        msg = MESSAGES[i % len(MESSAGES)]
        start = time.perf_counter()
        predict([msg])
        times[i] = (time.perf_counter() - start) * 1000.0
    return times


def cold_init(model_dir: Path, runs: int = 3) -> list[list[float]]:
    script = COLD_INIT.format(model_dir=str(model_dir))
    results = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
        results.append([float(x) for x in out.stdout.split()])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    from chatmod.model.factory import load_model

    with tempfile.TemporaryDirectory() as tmp:
        if CHECKPOINT.is_file():
            ckpt, which = CHECKPOINT, "chatmod-minilm (training output)"
        else:
            from training.weights_folder import save_checkpoint_from_model_folder

            ckpt = save_checkpoint_from_model_folder(MODEL_DIR, HF_CONFIG, Path(tmp) / "c.ckpt")
            which = "chatmod-minilm (rebuilt from the shipped int8 folder)"

        onnx_model = load_model("onnx", model_dir=str(MODEL_DIR), threads=args.threads)
        detox_model = load_model(
            "detoxify",
            checkpoint=str(ckpt),
            huggingface_config_path=str(HF_CONFIG),
            threads=args.threads,
        )
        results = {}
        for name, model in (("onnx", onnx_model), ("detoxify", detox_model)):
            times = time_backend(model, args.n)
            results[name] = {
                "p50_ms": float(np.percentile(times, 50)),
                "p99_ms": float(np.percentile(times, 99)),
            }
        cold = cold_init(MODEL_DIR)

    ratio50 = results["detoxify"]["p50_ms"] / results["onnx"]["p50_ms"]
    ratio99 = results["detoxify"]["p99_ms"] / results["onnx"]["p99_ms"]
    best = min(cold, key=sum)
    print(f"checkpoint: {which}; threads={args.threads}; {args.n} single-message calls per backend")
    print(f"{'backend':<10}{'p50 ms':>10}{'p99 ms':>10}")
    for name, r in results.items():
        print(f"{name:<10}{r['p50_ms']:>10.2f}{r['p99_ms']:>10.2f}")
    print(f"onnx is {ratio50:.1f}x faster at p50, {ratio99:.1f}x at p99")
    print(
        f"cold init of onnx backend (fresh process, best of {len(cold)}): "
        f"import {best[0] * 1000:.0f} ms + load {best[1] * 1000:.0f} ms "
        f"= {(best[0] + best[1]) * 1000:.0f} ms; first predict {best[2] * 1000:.1f} ms"
    )
    if args.json:
        summary = {"checkpoint": which, "threads": args.threads, **results, "ratio_p50": ratio50,
                   "ratio_p99": ratio99, "cold_init_s": best}  # fmt: skip
        Path(args.json).write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
