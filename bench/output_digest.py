#!/usr/bin/env python3
"""Digest of the published reports and extracts under an out/ folder (bench/crash.sh), one line per file:
what must be the same when the same lake is reported twice. Run ids, timings and write times differ by design and
are masked; Spark's part files of one data folder are compared as their sorted lines (their names are random);
an XLSX workbook by its entries, less docProps/core.xml (the time it was written). Staging and moved-aside
folders (.tmp-*, .old-*) are not published output and are left out.
Usage: python3 bench/output_digest.py OUT"""
import hashlib
import json
import os
import re
import sys
import zipfile

RUN_ID = re.compile(rb"\d{8}T\d{6}Z-[0-9a-f]{8}")
# per run by design; a file's checksum and size in a manifest change with the run id or timings it holds, and the
# files themselves are compared here
VOLATILE = {"run_id", "regenerated_by_run", "written_at", "created_at", "seconds", "stage_seconds", "millis", "inputs", "sha256",
            "bytes", "phb_version"}
PART_NAME = re.compile(r"part-[0-9]+-[0-9a-f-]+")
TIMING = re.compile(rb"\b[0-9]+ ms\b")


def masked(data):
    return TIMING.sub(b"N ms", RUN_ID.sub(b"RUN", data))


def canonical_json(data):
    def strip(v):
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items() if k not in VOLATILE}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return PART_NAME.sub("part-N", v) if isinstance(v, str) else v
    return masked(json.dumps(strip(json.loads(data)), sort_keys=True).encode())


def digest(path):
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".json"):
        data = canonical_json(data)
    elif path.endswith(".xlsx"):
        with zipfile.ZipFile(path) as z:
            data = b"".join(n.encode() + masked(z.read(n)) for n in sorted(z.namelist()) if n != "docProps/core.xml")
    else:
        data = masked(data)
    return hashlib.sha256(data).hexdigest()


DATA_FILE = re.compile(r"[a-z_]+(-[0-9]+)?\.csv")


def is_part(folder, name):
    """A file of a data folder's rows: Spark's part-N files, or the names phb gives them (extract.csv, anonymised-2.csv)."""
    if name.startswith("."):
        return False
    return name.startswith("part-") or (folder in ("data", "lookup", "links", "review") and DATA_FILE.fullmatch(name) is not None)


def main(out):
    lines = []
    for top in ("reports", "extracts"):
        root = os.path.join(out, top)
        for d, dirs, files in os.walk(root):
            dirs[:] = sorted(x for x in dirs if ".tmp-" not in x and ".old-" not in x and not x.startswith("."))
            rel = os.path.relpath(d, out)
            # the rows of a data folder, whatever files Spark split them into: one header, the rows sorted
            parts = sorted(f for f in files if is_part(os.path.basename(d), f))
            if parts:
                header, rows = None, []
                for p in parts:
                    with open(os.path.join(d, p), "rb") as f:
                        lines_of_file = f.read().splitlines()
                    if lines_of_file:
                        header = header or lines_of_file[0]
                        rows.extend(lines_of_file[1:])
                joined = b"\n".join([header or b""] + sorted(rows))
                lines.append(f"{rel}/<rows> {hashlib.sha256(joined).hexdigest()}")
            for f in sorted(files):
                if f.startswith(".") or f.startswith("_") or f in parts:
                    continue
                lines.append(f"{rel}/{f} {digest(os.path.join(d, f))}")
    print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1])
