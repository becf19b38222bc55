"""The trained weights in the project: the int8 model folder plus a map back to torch names.

The model layer's ``model.onnx`` is the only copy of the weights that ships. ``weights_map.json``
(written beside it at export) names, for each floating-point tensor of the training
``state_dict``, the graph initializer that holds it (transposed where the exporter folded a
Linear's weight into a MatMul). ``checkpoint_from_model_folder`` reverses the export: a
Detoxify-format checkpoint whose weights are the int8 graph's, dequantized
(``(q - zero_point) * scale``, per output channel where the quantizer used channels). Exporting
that checkpoint again gives the same int8 graph, so the parity tests and the onnx-vs-detoxify
benchmark run on the shipped weights in a fresh clone without a second copy of the model.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import torch
from onnx import numpy_helper

MAP_FILE = "weights_map.json"


def _initializers(graph_path: Path) -> dict[str, np.ndarray]:
    model = onnx.load(str(graph_path))
    return {init.name: numpy_helper.to_array(init) for init in model.graph.initializer}


def weights_map(state_dict: dict[str, torch.Tensor], fp32_graph: Path) -> dict[str, Any]:
    """For every floating-point tensor of ``state_dict``, the fp32 initializer that equals it."""
    inits = _initializers(fp32_graph)
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
            found[key] = {**match, "shape": list(value.shape)}
    if missing:
        raise ValueError(f"the graph holds no copy of {len(missing)} tensors: {missing[:5]}")
    return found


def write_weights_map(
    checkpoint_config: dict[str, Any], state_dict: dict[str, torch.Tensor], fp32_graph: Path,
    folder: Path,
) -> Path:  # fmt: skip
    config = json.loads(json.dumps(checkpoint_config, default=str))
    config.get("chatmod", {}).pop("dev_history", None)
    mapping = {"config": config, "tensors": weights_map(state_dict, fp32_graph)}
    path = folder / MAP_FILE
    path.write_text(json.dumps(mapping, indent=1) + "\n", encoding="utf-8")
    return path


def _dequantized(inits: dict[str, np.ndarray], name: str) -> np.ndarray:
    if name in inits:
        return inits[name]
    q = inits[f"{name}_quantized"].astype(np.float32)
    scale = inits[f"{name}_scale"].astype(np.float32)
    zero = inits[f"{name}_zero_point"].astype(np.float32)
    if scale.ndim == 0:
        return (q - zero) * scale
    # per channel: scales run along the weight's output axis, the stored matrix's last one
    axis = q.ndim - 1 if q.shape[-1] == scale.shape[0] else 0
    shape = [1] * q.ndim
    shape[axis] = -1
    return (q - zero.reshape(shape)) * scale.reshape(shape)


def _matmul_operands(graph_path: Path) -> set[str]:
    """Initializers used as a MatMul's right-hand operand: stored (in, out), torch's transpose."""
    graph = onnx.load(str(graph_path)).graph
    return {node.input[1] for node in graph.node if node.op_type in ("MatMul", "MatMulInteger")}


def checkpoint_from_model_folder(folder: Path, hf_config: Path) -> dict[str, Any]:
    """A Detoxify-format checkpoint (``{"config", "state_dict"}``) with the folder's weights;
    ``config.arch.args.model_type`` points at ``hf_config`` so Detoxify loads it offline."""
    mapping = json.loads((folder / MAP_FILE).read_text(encoding="utf-8"))
    inits = _initializers(folder / "model.onnx")
    right_operands = _matmul_operands(folder / "model.onnx")
    state_dict = {}
    for key, where in mapping["tensors"].items():
        name = where["initializer"]
        array = _dequantized(inits, name)
        stored = name if name in inits else f"{name}_quantized"
        # the quantizer turns Gemms into MatMuls too, so the graph, not the map, says which
        if stored in right_operands or (name in inits and where["transpose"]):
            array = array.T
        state_dict[key] = torch.from_numpy(np.array(array))  # writable: graph arrays are views
    config = mapping["config"]
    config["arch"]["args"]["model_type"] = str(hf_config)
    return {"config": config, "state_dict": state_dict}


def save_checkpoint_from_model_folder(folder: Path, hf_config: Path, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(checkpoint_from_model_folder(folder, hf_config), path)
    return path


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(
        description="Write the Detoxify checkpoint of a model folder (its int8 weights, "
        "dequantized): the starting point to fine-tune a shipped model further."
    )
    parser.add_argument(
        "folder", type=Path, help="a model folder, e.g. layers/model/chatmod-minilm"
    )
    parser.add_argument(
        "--hf-config", type=Path, required=True, help="its training/hf_config folder"
    )
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    out = save_checkpoint_from_model_folder(args.folder, args.hf_config.resolve(), args.out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
