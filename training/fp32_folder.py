"""The fp32 model folder: the second opinion's model, and the trained weights in the project.

``write_fp32_folder`` ships the exported fp32 ONNX graph with its tokenizer and labels (token
limit 512: the second opinion reads whole messages) plus ``weights_map.json``, which names the
graph initializer holding each tensor of the torch ``state_dict`` (transposed where the
exporter folded a Linear's weight into a MatMul). ``checkpoint_from_fp32_folder`` reverses it:
a Detoxify-format checkpoint with exactly the trained weights, so the parity tests and the
onnx-vs-detoxify benchmark run on the real model in a fresh clone, without a 91 MB checkpoint
beside the graph that already holds the same numbers.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import torch
from onnx import numpy_helper

MAP_FILE = "weights_map.json"
SECOND_OPINION_MAX_TOKENS = 512


def _initializers(graph_path: Path) -> dict[str, np.ndarray]:
    model = onnx.load(str(graph_path))
    return {init.name: numpy_helper.to_array(init) for init in model.graph.initializer}


def weights_map(state_dict: dict[str, torch.Tensor], graph_path: Path) -> dict[str, Any]:
    """For every floating-point tensor of ``state_dict``, the initializer that equals it."""
    inits = _initializers(graph_path)
    by_shape: dict[tuple[int, ...], list[str]] = {}
    for name, array in inits.items():
        by_shape.setdefault(tuple(array.shape), []).append(name)
    found: dict[str, dict[str, Any]] = {}
    missing: list[str] = []
    for key, tensor in state_dict.items():
        if not tensor.is_floating_point():
            continue  # integer buffers (position ids) are rebuilt by the model's constructor
        value = tensor.detach().cpu().numpy()
        match = None
        for transpose in (False, True):
            wanted = value.T if transpose else value
            for name in by_shape.get(tuple(wanted.shape), []):
                if np.array_equal(inits[name], wanted):
                    match = {"initializer": name, "transpose": transpose}
                    break
            if match:
                break
        if match is None:
            missing.append(key)
        else:
            found[key] = match
    if missing:
        raise ValueError(f"the graph holds no copy of {len(missing)} tensors: {missing[:5]}")
    return found


def write_fp32_folder(
    checkpoint_config: dict[str, Any],
    state_dict: dict[str, torch.Tensor],
    fp32_graph: Path,
    int8_folder: Path,
    out: Path,
) -> Path:
    """Copies the fp32 graph next to the int8 folder's tokenizer and labels, with the map."""
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(fp32_graph, out / "model.onnx")
    shutil.copyfile(int8_folder / "tokenizer.json", out / "tokenizer.json")
    labels = json.loads((int8_folder / "labels.json").read_text(encoding="utf-8"))
    labels["name"] = f"{labels['name']}-fp32"
    labels["max_tokens"] = SECOND_OPINION_MAX_TOKENS
    labels["quantization"] = "none (fp32)"
    (out / "labels.json").write_text(json.dumps(labels, indent=2) + "\n", encoding="utf-8")
    config = json.loads(json.dumps(checkpoint_config, default=str))
    mapping = {"config": config, "tensors": weights_map(state_dict, fp32_graph)}
    (out / MAP_FILE).write_text(json.dumps(mapping, indent=1) + "\n", encoding="utf-8")
    return out


def checkpoint_from_fp32_folder(folder: Path, hf_config: Path) -> dict[str, Any]:
    """A Detoxify-format checkpoint (``{"config", "state_dict"}``) with the folder's weights.

    ``config.arch.args.model_type`` points at ``hf_config`` so Detoxify loads it offline.
    """
    mapping = json.loads((folder / MAP_FILE).read_text(encoding="utf-8"))
    inits = _initializers(folder / "model.onnx")
    state_dict = {}
    for key, where in mapping["tensors"].items():
        array = inits[where["initializer"]]
        # a writable, contiguous copy: the graph's arrays are read-only views
        state_dict[key] = torch.from_numpy(np.array(array.T if where["transpose"] else array))
    config = mapping["config"]
    config["arch"]["args"]["model_type"] = str(hf_config)
    return {"config": config, "state_dict": state_dict}


def save_checkpoint_from_fp32_folder(folder: Path, hf_config: Path, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(checkpoint_from_fp32_folder(folder, hf_config), path)
    return path
