"""File formats of the course's data: IDX (MNIST) and whitespace-tokenised text (PTB, WikiText).

IDX, as LeCun et al. publish MNIST, is a 4-byte magic number ``00 00 <type> <ndim>``, then
``ndim`` big-endian uint32 sizes, then the values in C order (big-endian). Files may be gzipped.
"""

from __future__ import annotations

import gzip
import struct
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

# IDX type byte -> NumPy dtype (big-endian where it matters)
IDX_TYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_IDX_CODES = {dtype.newbyteorder("="): code for code, dtype in IDX_TYPES.items()}
_GZIP_MAGIC = b"\x1f\x8b"

EOS = "<eos>"  # end of sentence
UNK = "<unk>"  # a word outside the vocabulary


def _read_bytes(path: str | Path) -> bytes:
    """The bytes of a file, gunzipped when it starts with the gzip magic number."""
    raw = Path(path).read_bytes()
    return gzip.decompress(raw) if raw[:2] == _GZIP_MAGIC else raw


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (optionally gzipped) into an array of its shape and type.

    >>> images = read_idx("train-images-idx3-ubyte.gz")   # (60000, 28, 28) uint8
    """
    data = _read_bytes(path)
    if len(data) < 4 or data[:2] != b"\x00\x00" or data[2] not in IDX_TYPES:
        raise ValueError(
            f"{path} is not an IDX file: expected the magic bytes 00 00 <type> <ndim> with type "
            f"one of {[hex(c) for c in IDX_TYPES]}; got {data[:4].hex(' ') or 'an empty file'}"
        )
    dtype, ndim = IDX_TYPES[data[2]], data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{path}: IDX header announces {ndim} sizes but the file ends early")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(data) - header != expected:
        raise ValueError(
            f"{path}: an IDX array of shape {shape} and type {dtype} needs {expected} bytes of "
            f"values; the file has {len(data) - header} (truncated or corrupted?)"
        )
    values = np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)
    return values.astype(dtype.newbyteorder("="))


def write_idx(path: str | Path, array: np.ndarray) -> Path:
    """Write ``array`` as an IDX file, gzipped when ``path`` ends in ``.gz``."""
    array = np.asarray(array)
    code = _IDX_CODES.get(array.dtype.newbyteorder("="))
    if code is None:
        raise TypeError(
            f"IDX stores uint8, int8, int16, int32, float32 or float64; got dtype {array.dtype}"
        )
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    data = header + array.astype(IDX_TYPES[code]).tobytes()
    path = Path(path)
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


def read_tokens(path: str | Path, *, eos: str | None = EOS) -> list[str]:
    """The words of a text file split on whitespace, with ``eos`` closing every line.

    This is the convention of Zaremba et al. (PTB) and of Merity et al. (WikiText-2): each
    line, blank ones included, ends with ``<eos>``. Pass ``eos=None`` to leave it out.
    """
    return tokenize(_read_bytes(path).decode("utf-8"), eos=eos)


def tokenize(text: str, *, eos: str | None = EOS) -> list[str]:
    """The words of ``text`` split on whitespace, with ``eos`` closing every line."""
    tokens: list[str] = []
    for line in text.splitlines():
        tokens.extend(line.split())
        if eos is not None:
            tokens.append(eos)
    return tokens


class Vocabulary:
    """Words <-> integer ids, most frequent word first (ties in order of first appearance).

    ``<unk>`` is always present; words never seen map to it.

    >>> vocab = Vocabulary("the cat sat on the mat <eos>".split())
    >>> vocab.encode(["the", "dog"])          # tensor([0, id of <unk>])
    """

    def __init__(self, tokens: Iterable[str]):
        counts = Counter(tokens)
        counts.setdefault(UNK, 0)
        order = {word: n for n, word in enumerate(counts)}  # first appearance
        self.itos: list[str] = sorted(counts, key=lambda word: (-counts[word], order[word]))
        self.stoi: dict[str, int] = {word: n for n, word in enumerate(self.itos)}
        self.counts = counts

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, word: str) -> bool:
        return word in self.stoi

    def __repr__(self) -> str:
        return f"Vocabulary({len(self)} words: {' '.join(self.itos[:8])} ...)"

    def encode(self, tokens: Sequence[str]):
        """Token ids as a ``torch.long`` tensor of shape ``(len(tokens),)``."""
        import torch

        unk = self.stoi[UNK]
        return torch.tensor([self.stoi.get(word, unk) for word in tokens], dtype=torch.long)

    def decode(self, ids: Iterable[int]) -> list[str]:
        """The words of a sequence of ids."""
        return [self.itos[int(n)] for n in ids]


__all__ = [
    "EOS", "IDX_TYPES", "UNK", "Vocabulary", "read_idx", "read_tokens", "tokenize", "write_idx"
]
