#!/usr/bin/env python3
"""Cuts a council's local rows of code map sen2_schools (URN -> type of establishment) from the Get Information About
Schools establishment download, so the sen2 profile can tell a child's special school from a mainstream one.

Input: GIAS's "all establishment data" CSV (edubasealldata<yyyymmdd>.csv from get-information-schools.service.gov.uk,
Downloads; Open Government Licence), which GIAS writes in Windows-1252. Only its `URN` and `TypeOfEstablishment (name)`
columns are read; every establishment is kept, open or closed (a child's placement may name a school since converted to
an academy under a new URN).

Output: `urn,establishment_type`, the shipped map's header, one row per URN. Name the file in the override file:
    code_maps:
      sen2_schools: schools.csv

Usage: tools/gias_schools.py edubasealldata20261201.csv > schools.csv   [--encoding utf-8 for a re-saved copy]
"""
import argparse
import csv
import sys

URN, TYPE = "URN", "TypeOfEstablishment (name)"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gias_csv")
    ap.add_argument("--encoding", default="cp1252")
    args = ap.parse_args()
    with open(args.gias_csv, newline="", encoding=args.encoding) as f:
        reader = csv.DictReader(f)
        missing = [c for c in (URN, TYPE) if c not in (reader.fieldnames or [])]
        if missing:
            sys.exit(f"{args.gias_csv}: no column {', '.join(missing)}; is it GIAS's establishment download "
                     f"(edubasealldata<date>.csv)? Its columns: {', '.join((reader.fieldnames or [])[:8])} ...")
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(["urn", "establishment_type"])
        seen = set()
        for line, row in enumerate(reader, start=2):
            urn, kind = (row[URN] or "").strip(), (row[TYPE] or "").strip()
            if not urn or not kind or urn in seen:
                continue
            if not urn.isdigit():
                sys.exit(f"{args.gias_csv} line {line}: URN '{urn}' is not a number")
            seen.add(urn)
            out.writerow([urn, kind])
    print(f"gias_schools: {len(seen)} establishments", file=sys.stderr)


if __name__ == "__main__":
    main()
