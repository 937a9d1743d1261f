"""The index's posting blocks: typed arrays instead of Whoosh's pickles (the format alone).

Whoosh 3 writes each block of up to 128 postings as a compressed pickle of
three tuples (document number deltas, weights, values).  Unpickling one costs
about 60 µs, and a phrase of common words ("code de la route") reads
thousands of them.  Here a block's data is a flags byte, the size of the
head, the head, then the values:

- head: the first document number (4 bytes), the other deltas as 1, 2 or
  4-byte unsigned integers (the smallest that holds them), the weights (term
  frequencies: nothing when all are 1, else 1 or 2-byte integers, else 4-byte
  floats), and the values' lengths;
- values: the encoded positions end to end.

Head and values are compressed apart, so the documents and weights of a long
posting list are read without decompressing its positions.  Decoding is a few
C calls (``zlib.decompress``, ``array.frombytes``, ``itertools.accumulate``, or
numpy for :func:`block_arrays`): about 12 µs a block instead of 60-80, and the
index is half the size.  Everything else (block headers, term table, columns,
vectors) is Whoosh 3's own: the codec that writes these blocks into Whoosh's
files, and Whoosh's matcher over them, are in
:mod:`~qe_desktop.search.whoosh_adapter`.
"""

from __future__ import annotations

import sys
import zlib
from array import array
from itertools import accumulate, pairwise
from typing import Any

#: Array type codes by the width code stored in the flags byte.
_UINT = ("B", "H", "I")
_BIG_ENDIAN = sys.byteorder == "big"
#: Blocks shorter than this are stored uncompressed (zlib's own overhead is ~10 bytes).
_MIN_COMPRESS = 48

# Flags byte: bits 0-1 delta width, bits 2-3 weights, bits 4-5 value lengths (0 = no values),
# bit 6 head compressed, bit 7 values compressed.
_W_ONES, _W_BYTE, _W_SHORT, _W_FLOAT = 0, 1, 2, 3
_HEAD_COMPRESSED, _VALUES_COMPRESSED = 0x40, 0x80
_NP_UINT = {1: "<u1", 2: "<u2", 4: "<u4"}
_NP_WEIGHT = {"B": "<u1", "H": "<u2", "f": "<f4"}


def _width(top: int) -> int:
    return 0 if top < 256 else 1 if top < 65536 else 2


def _le_bytes(a: array) -> bytes:  # type: ignore[type-arg]
    if _BIG_ENDIAN:
        a = array(a.typecode, a)
        a.byteswap()
    return a.tobytes()


def _le_array(typecode: str, data: bytes) -> array:  # type: ignore[type-arg]
    a = array(typecode)
    a.frombytes(data)
    if _BIG_ENDIAN:
        a.byteswap()
    return a


def encode_block(ids: Any, weights: Any, values: Any, with_values: bool, compression: int = 0) -> bytes:
    """A block's data: ids ascending, weights, values (bytes each), in two sections.

    The head (ids, weights, value lengths) and the values are compressed
    apart, so that the documents and weights of a long posting list ("de")
    are read without decompressing its positions.
    """
    first = ids[0]
    deltas = [b - a for a, b in pairwise(ids)]
    dw = _width(max(deltas)) if deltas else 0
    head = [_le_bytes(array("I", [first])), _le_bytes(array(_UINT[dw], deltas))]
    top = max(weights)
    if top == 1.0 and min(weights) == 1.0:
        wcode = _W_ONES
    else:
        ints = [int(w) for w in weights]
        if ints == list(weights) and min(ints) >= 0 and top < 65536:
            wcode = _W_BYTE if top < 256 else _W_SHORT
            head.append(_le_bytes(array("B" if wcode == _W_BYTE else "H", ints)))
        else:
            wcode = _W_FLOAT
            head.append(_le_bytes(array("f", weights)))
    vcode = 0
    blob = b""
    if with_values:
        if len(values) != len(ids):
            raise ValueError(f"posting block: {len(ids)} documents but {len(values)} values")
        vals = [v or b"" for v in values]
        lengths = [len(v) for v in vals]
        lw = _width(max(lengths))
        vcode = lw + 1
        head.append(_le_bytes(array(_UINT[lw], lengths)))
        blob = b"".join(vals)
    flags = dw | wcode << 2 | vcode << 4
    head_bytes = b"".join(head)
    if compression and len(head_bytes) >= _MIN_COMPRESS:
        head_bytes = zlib.compress(head_bytes, compression)
        flags |= _HEAD_COMPRESSED
    if compression and len(blob) >= _MIN_COMPRESS:
        blob = zlib.compress(blob, compression)
        flags |= _VALUES_COMPRESSED
    return bytes([flags]) + len(head_bytes).to_bytes(4, "little") + head_bytes + blob


class _Sections:
    """Where things are in a block's data, with the head decompressed.

    The head holds: the first id (4 bytes) at 0; ``count - 1`` deltas of
    ``delta_width`` bytes from 4; the weights (``weight_type``: "" when all are
    1, else "B", "H" or "f") from ``weights_at``; the value lengths
    (``length_width`` bytes each, 0 for no values) from ``lengths_at``.
    """

    __slots__ = (
        "count",
        "delta_width",
        "first",
        "head",
        "length_width",
        "lengths_at",
        "raw",
        "values_at",
        "weight_type",
        "weights_at",
    )

    def __init__(self, data: bytes, count: int) -> None:
        flags = data[0]
        size = int.from_bytes(data[1:5], "little")
        head = data[5 : 5 + size]
        self.head = zlib.decompress(head) if flags & _HEAD_COMPRESSED else head
        self.raw = data
        self.values_at = 5 + size
        self.count = count
        self.first = int.from_bytes(self.head[:4], "little")
        self.delta_width = (1, 2, 4)[flags & 3]
        self.weight_type = ("", "B", "H", "f")[flags >> 2 & 3]
        self.weights_at = 4 + self.delta_width * (count - 1)
        self.lengths_at = self.weights_at + (0, 1, 2, 4)[flags >> 2 & 3] * count
        self.length_width = (0, 1, 2, 4)[flags >> 4 & 3]

    def values_blob(self) -> bytes:
        blob = self.raw[self.values_at :]
        return zlib.decompress(blob) if self.raw[0] & _VALUES_COMPRESSED else blob


class Block:
    """A decoded block: ids (tuple), weights (array of floats), and the values, sliced on demand."""

    __slots__ = ("_blob", "_offsets", "_sections", "ids", "weights")

    def __init__(self, data: bytes, count: int) -> None:
        sections = self._sections = _Sections(data, count)
        head = sections.head
        deltas = _le_array(_UINT[(1, 2, 4).index(sections.delta_width)], head[4 : sections.weights_at])
        self.ids: tuple[int, ...] = tuple(accumulate(deltas, initial=sections.first))
        wtype = sections.weight_type
        if not wtype:
            self.weights: array[float] = array("f", [1.0]) * count
        else:
            raw = _le_array(wtype, head[sections.weights_at : sections.lengths_at])
            self.weights = raw if wtype == "f" else array("f", raw)
        self._offsets: list[int] | None = None
        self._blob: bytes | None = None
        width = sections.length_width
        if width:
            at = sections.lengths_at
            lengths = _le_array(_UINT[(1, 2, 4).index(width)], head[at : at + width * count])
            self._offsets = list(accumulate(lengths, initial=0))

    def _values(self) -> bytes:
        if self._blob is None:
            self._blob = self._sections.values_blob()
        return self._blob

    def value(self, i: int) -> bytes | None:
        offsets = self._offsets
        if offsets is None:
            return None
        return self._values()[offsets[i] : offsets[i + 1]]

    def values(self) -> tuple[Any, ...]:
        offsets = self._offsets
        if offsets is None:
            return (None,) * len(self.ids)
        blob = self._values()
        return tuple([blob[a:b] for a, b in pairwise(offsets)])


def block_arrays(data: bytes, count: int, with_values: bool) -> tuple[Any, Any, Any, bytes | None]:
    """A block as numpy arrays: ids (int64), weights and value lengths (None without values) as
    stored (convert them once a list's blocks are joined), and the values end to end (None
    unless ``with_values``)."""
    import numpy as np

    sections = _Sections(data, count)
    head = sections.head
    ids = np.empty(count, dtype=np.int64)
    ids[0] = sections.first
    if count > 1:
        deltas = np.frombuffer(head, dtype=_NP_UINT[sections.delta_width], count=count - 1, offset=4)
        np.cumsum(deltas, out=ids[1:])
        ids[1:] += sections.first
    wtype = sections.weight_type
    if not wtype:
        weights = np.ones(count, dtype=np.uint8)
    else:
        weights = np.frombuffer(head, dtype=_NP_WEIGHT[wtype], count=count, offset=sections.weights_at)
    lengths = None
    width = sections.length_width
    if width:
        lengths = np.frombuffer(head, dtype=_NP_UINT[width], count=count, offset=sections.lengths_at)
    blob = sections.values_blob() if with_values and width else None
    return ids, weights, lengths, blob


def format_probe() -> bytes:
    """Blocks of every kind encoded now (part of the index's fingerprint: a change of the
    format changes these bytes)."""
    ids = [3, 4, 300, 70_000, 70_001]
    return b"".join(
        encode_block(ids, weights, values, with_values, compression)
        for weights in ([1.0] * 5, [1.0, 2.0, 3.0, 300.0, 1.0], [0.5, 1.0, 1.0, 1.0, 2.0])
        for values, with_values in (([b""] * 5, False), ([b"ab", b"", b"c" * 300, b"d", b"e"], True))
        for compression in (0, 3)
    )
