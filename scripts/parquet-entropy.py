"""How small can a Parquet `trials` table get? (issue 16, docs/python.md "Compression")

Usage: python scripts/parquet-entropy.py results/<batch>/trials.parquet [--coders]

Parquet compresses each column chunk on its own, and a batch's trials are independent, so
no Parquet file of the table can be smaller, on average, than the sum of its columns'
entropies. This prints that sum in bytes per trial (a lower bound that ignores page headers
and the footer):
- a full-precision float column (more than half its values distinct): the order-0 entropy
  of each of its 8 byte streams (what byte-stream-split hands the compressor), and, as a
  check that the bytes of one f64 are close to independent, the same with the two top
  bytes taken jointly;
- a mostly-constant float column with some distinct values: which rows hold a distinct
  value, the entropy of the others, and the byte streams of the distinct ones;
- any other column (tallies, months, counters but `trial` and `seed`): its values' entropy.
With --coders it also compresses the full-precision columns' byte streams, each on its own,
with context-modelling coders (brotli, zstd, xz, bzip2, PPMd; pip install brotli zstandard
pyppmd), which is slow (minutes at 100,000 trials). Needs pyarrow and numpy.
"""
import bz2
import lzma
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


def entropy(x):
    """Empirical order-0 entropy of the values of x, in bits."""
    _, counts = np.unique(x, return_counts=True)
    p = counts / counts.sum()
    return float(-(p * np.log2(p)).sum())


def byte_streams(a):
    return a.astype("<f8").view(np.uint8).reshape(-1, 8)


def stream_entropy(a):
    b = byte_streams(a)
    return sum(entropy(b[:, i]) for i in range(8))


def main(path, coders):
    table = pq.read_table(path)
    n = table.num_rows
    full, mixed, other, joint = 0.0, 0.0, 0.0, 0.0
    full_columns = []
    for name in table.column_names:
        column = table.column(name)
        a = column.to_numpy(zero_copy_only=False)
        if not pa.types.is_floating(column.type):
            if name not in ("trial", "seed"):  # 0, 1, 2, … and a constant: ~0 bits
                other += entropy(a.astype("int64"))
            continue
        a = a.astype("f8")
        values, counts = np.unique(a, return_counts=True)
        if len(values) > 0.5 * n:
            full_columns.append(name)
            full += stream_entropy(a)
            b = byte_streams(a)
            top = b[:, 6].astype(np.uint32) | (b[:, 7].astype(np.uint32) << 8)
            joint += entropy(top) + sum(entropy(b[:, i]) for i in range(6))
            continue
        once = np.isin(a, values[counts == 1])
        q = once.mean()
        if q > 0.001:
            which = -(q * np.log2(q) + (1 - q) * np.log2(1 - q))
            mixed += which + (1 - q) * entropy(a[~once]) + q * stream_entropy(a[once])
        else:
            other += entropy(a)
    print(f"{path}: {n} rows, {table.num_columns} columns, {len(full_columns)} full-precision")
    print(f"full-precision floats, byte streams:      {full / 8:8.2f} bytes/row")
    print(f"  (two top bytes jointly:                 {joint / 8:8.2f})")
    print(f"mostly-constant floats:                   {mixed / 8:8.2f}")
    print(f"other columns, values:                    {other / 8:8.2f}")
    print(f"lower bound, all columns:                 {(full + mixed + other) / 8:8.2f} bytes/row")
    if not coders:
        return
    import brotli
    import pyppmd
    import zstandard

    runs = {
        "brotli 11": lambda s: brotli.compress(s, quality=11, lgwin=24),
        "zstd 19": lambda s: zstandard.ZstdCompressor(level=19).compress(s),
        "zstd 22": lambda s: zstandard.ZstdCompressor(level=22).compress(s),
        "xz -9e": lambda s: lzma.compress(s, preset=9 | lzma.PRESET_EXTREME),
        "bzip2 -9": lambda s: bz2.compress(s, 9),
        "PPMd order 2": lambda s: pyppmd.compress(s, max_order=2, mem_size=256 << 20),
        "PPMd order 4": lambda s: pyppmd.compress(s, max_order=4, mem_size=256 << 20),
        "PPMd order 8": lambda s: pyppmd.compress(s, max_order=8, mem_size=256 << 20),
    }
    totals = dict.fromkeys(runs, 0)
    for name in full_columns:
        b = byte_streams(table.column(name).to_numpy())
        for i in range(8):
            stream = b[:, i].tobytes()
            for coder, run in runs.items():
                totals[coder] += len(run(stream))
    print("full-precision columns' byte streams, each compressed on its own:")
    for coder, total in totals.items():
        print(f"  {coder:14s} {total / n:8.2f} bytes/row")


if __name__ == "__main__":
    main(sys.argv[1], "--coders" in sys.argv[2:])
