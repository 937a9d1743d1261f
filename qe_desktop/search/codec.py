"""The index's Whoosh codec: posting blocks as typed arrays instead of pickles.

Whoosh 3 writes each block of up to 128 postings as a compressed pickle of
three tuples (document number deltas, weights, values).  Unpickling one costs
about 60 µs, and a phrase of common words ("code de la route") reads
thousands of blocks of "de" and "la" for their positions.  Here a block's data
is one flags byte followed by plain arrays, compressed as before:

- the first document number (4 bytes), then the other deltas as 1, 2 or 4-byte
  unsigned integers (the smallest that holds them);
- the weights (term frequencies): none when all are 1, else 1 or 2-byte
  integers, else 4-byte floats;
- the values (encoded positions): their lengths as 1, 2 or 4-byte integers,
  then the values end to end.

Decoding is a few C calls (``zlib.decompress``, ``array.frombytes``,
``itertools.accumulate``): about 12 µs a block, and the blocks are about a third
of the size.  Everything else (block headers, term table, inlined single
postings, columns, vectors) is Whoosh 3's own, so Whoosh's readers, matchers
and merges work unchanged; the codec is pickled in the index's table of
contents, so segments written by it are read by it.
"""

from __future__ import annotations

import sys
import zlib
from array import array
from itertools import accumulate, pairwise
from pickle import dumps
from typing import Any

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3LeafMatcher, W3PostingsWriter
from whoosh.util.numeric import length_to_byte

#: Array type codes by the width code stored in the flags byte.
_UINT = ("B", "H", "I")
_BIG_ENDIAN = sys.byteorder == "big"
#: Blocks shorter than this are stored uncompressed (zlib's own overhead is ~10 bytes).
_MIN_COMPRESS = 48

# Flags byte: bits 0-1 delta width, bits 2-3 weights, bits 4-5 value lengths (0 = no values).
_W_ONES, _W_BYTE, _W_SHORT, _W_FLOAT = 0, 1, 2, 3


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


def encode_block(ids: Any, weights: Any, values: Any, with_values: bool) -> bytes:
    """A block's data (before compression): ids ascending, weights, values (bytes each)."""
    first = ids[0]
    deltas = [b - a for a, b in pairwise(ids)]
    dw = _width(max(deltas)) if deltas else 0
    parts = [b"", _le_bytes(array("I", [first])), _le_bytes(array(_UINT[dw], deltas))]
    top = max(weights)
    if top == 1.0 and min(weights) == 1.0:
        wcode = _W_ONES
    else:
        ints = [int(w) for w in weights]
        if ints == list(weights) and min(ints) >= 0 and top < 65536:
            wcode = _W_BYTE if top < 256 else _W_SHORT
            parts.append(_le_bytes(array("B" if wcode == _W_BYTE else "H", ints)))
        else:
            wcode = _W_FLOAT
            parts.append(_le_bytes(array("f", weights)))
    vcode = 0
    if with_values:
        if len(values) != len(ids):
            raise ValueError(f"posting block: {len(ids)} documents but {len(values)} values")
        vals = [v or b"" for v in values]
        lengths = [len(v) for v in vals]
        lw = _width(max(lengths))
        vcode = lw + 1
        parts.append(_le_bytes(array(_UINT[lw], lengths)))
        parts.append(b"".join(vals))
    parts[0] = bytes([dw | wcode << 2 | vcode << 4])
    return b"".join(parts)


class Block:
    """A decoded block: ids (tuple), weights (array of floats), and the values, sliced on demand."""

    __slots__ = ("_blob", "_offsets", "ids", "weights")

    def __init__(self, data: bytes, count: int) -> None:
        flags = data[0]
        dw, wcode, vcode = flags & 3, flags >> 2 & 3, flags >> 4 & 3
        pos = 5
        first = int.from_bytes(data[1:5], "little")
        size = (1, 2, 4)[dw] * (count - 1)
        deltas = _le_array(_UINT[dw], data[pos : pos + size])
        pos += size
        self.ids: tuple[int, ...] = tuple(accumulate(deltas, initial=first))
        if wcode == _W_ONES:
            self.weights: array[float] = array("f", [1.0]) * count
        else:
            code, width = (("B", 1), ("H", 2), ("f", 4))[wcode - 1]
            raw = _le_array(code, data[pos : pos + width * count])
            pos += width * count
            self.weights = raw if code == "f" else array("f", raw)
        self._offsets: list[int] | None = None
        self._blob = b""
        if vcode:
            width = (1, 2, 4)[vcode - 1]
            lengths = _le_array(_UINT[vcode - 1], data[pos : pos + width * count])
            pos += width * count
            self._offsets = list(accumulate(lengths, initial=0))
            self._blob = data[pos:]

    def value(self, i: int) -> bytes | None:
        offsets = self._offsets
        if offsets is None:
            return None
        return self._blob[offsets[i] : offsets[i + 1]]

    def values(self) -> tuple[Any, ...]:
        offsets = self._offsets
        if offsets is None:
            return (None,) * len(self.ids)
        blob = self._blob
        return tuple([blob[a:b] for a, b in pairwise(offsets)])


class QEPostingsWriter(W3PostingsWriter):  # type: ignore[misc]
    """Writes each block's data with :func:`encode_block`; headers as Whoosh 3 does."""

    def _write_block(self, last: bool = False) -> None:
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        ids = self._ids
        fixedsize = self._format.fixed_value_size()
        with_values = fixedsize is None or fixedsize != 0
        databytes = encode_block(ids, self._weights, self._values, with_values)
        comp = self._compression if len(databytes) >= _MIN_COMPRESS else 0
        if comp:
            databytes = zlib.compress(databytes, comp)
        infobytes = dumps(
            (
                len(ids),
                ids[-1],
                self._maxweight,
                comp,
                length_to_byte(self._minlength),
                length_to_byte(self._maxlength),
            ),
            2,
        )
        blocklength = len(infobytes) + len(databytes)
        postfile = self._postfile
        postfile.write_int(-blocklength if last else blocklength)
        postfile.write(infobytes)
        postfile.write(databytes)
        self._blockcount += 1
        self._new_block()


class QELeafMatcher(W3LeafMatcher):  # type: ignore[misc]
    """Reads the blocks written by :class:`QEPostingsWriter` (``_data`` is a :class:`Block`)."""

    _data: Block | None

    def block(self) -> Block:
        """The current block, decoded (once)."""
        if self._data is None:
            b = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
            if self._compression:
                b = zlib.decompress(b)
            self._data = Block(b, self._blocklength)
        return self._data

    def _read_data(self) -> None:
        self.block()

    def _read_ids(self) -> None:
        self._ids = self.block().ids

    def _read_weights(self) -> None:
        self._weights = self.block().weights

    def _read_values(self) -> None:
        self._values = self.block().values()


class QECodec(W3Codec):  # type: ignore[misc]
    """Whoosh 3's codec with :class:`QEPostingsWriter` blocks for the inverted index."""

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> Any:
        if byteids:  # term vectors (not used by this schema): Whoosh's own blocks
            return super().postings_writer(dbfile, byteids=True)
        return QEPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=False,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def postings_reader(
        self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None
    ) -> Any:
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return QELeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)
