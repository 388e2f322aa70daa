#!/usr/bin/env python3
"""How England-like a synthetic landing folder is: age shares, activity rates, oracle AUROC of the true risk.

Usage: bench/realism.py LANDING [REFERENCE_DATE]   (reads CSV feeds and _truth/; prints a Markdown table)
"""
import csv, glob, sys

from datetime import date

landing = sys.argv[1]
ref = sys.argv[2] if len(sys.argv) > 2 else "2024-03-31"

def rows(table):
    """Rows of a feed, one per line as ingest reads them; lines that do not split into the header's columns
    (the injected malformed rows) are skipped, so a broken quote cannot swallow the lines after it."""
    for f in sorted(glob.glob(f"{landing}/{table}/*.csv")):
        with open(f, newline="", encoding="utf-8", errors="replace") as fh:
            header = next(csv.reader([fh.readline()]))
            for line in fh:
                try:
                    values = next(csv.reader([line]))
                except csv.Error:
                    continue
                if len(values) == len(header):
                    yield dict(zip(header, values))

persons = list(rows("_truth/persons"))
n = len(persons)
ref_year = int(ref[:4])
ages = [ref_year - int(p["birth_year"]) for p in persons if p["birth_year"]]
share = lambda pred: sum(1 for a in ages if pred(a)) / len(ages)

# oracle AUROC at the reference date (Mann-Whitney U over the true probabilities)
scored = [(float(r["p_emergency_12m"]), r["outcome_12m"] in ("1", "Y", "true")) for r in rows("_truth/risk")
          if r["reference_date"] == ref and r["follow_up_in_window"] in ("1", "Y", "true")]
scored.sort()
pos = sum(1 for _, y in scored if y)
neg = len(scored) - pos
rank_sum, i = 0.0, 0
while i < len(scored):
    j = i
    while j < len(scored) and scored[j][0] == scored[i][0]:
        j += 1
    avg_rank = (i + j + 1) / 2
    rank_sum += avg_rank * sum(1 for k in range(i, j) if scored[k][1])
    i = j
auroc = (rank_sum - pos * (pos + 1) / 2) / (pos * neg) if pos and neg else float("nan")
mean_p = sum(p for p, _ in scored) / len(scored)
rate = pos / len(scored)

# activity per person-year in the area: each person counts from entry (blank = window start) to exit
start, end = date(2022, 4, 1), date(2026, 3, 31)
def day(text, default):
    return date.fromisoformat(text) if text else default
person_years = sum(max(0, (min(day(p["exit_date"], end), end) - max(day(p["entry_date"], start), start)).days)
                   for p in persons) / 365.25
def per_person_year(table, keep=lambda r: True):
    return sum(1 for r in rows(table) if keep(r)) / person_years
emergency = lambda r: r.get("admission_method", "") in {"21", "22", "23", "24", "25", "28", "2A", "2B", "2C", "2D"}
elective = lambda r: r.get("admission_method", "") in {"11", "12", "13"}
asc_people = {r["la_person_token"] for r in rows("asc_cld") if r.get("la_person_token")}
asc_no_token = {r["la_person_token"] for r in rows("asc_cld") if r.get("la_person_token") and not r.get("nhs_token")}

print(f"| figure | synthetic | England (target) |\n|---|---:|---:|")
print(f"| people (truth) | {n:,} ({person_years:,.0f} person-years in the area) | |")
print(f"| aged 65+ at {ref_year} | {share(lambda a: a >= 65):.1%} | 18.4% |")
print(f"| aged 85+ | {share(lambda a: a >= 85):.1%} | 2.4% |")
print(f"| under 16 | {share(lambda a: a < 16):.1%} | 18.5% |")
print(f"| GP appointments per person-year | {per_person_year('gp_appointments'):.2f} | about 5.5 |")
print(f"| A&E attendances per person-year | {per_person_year('ecds'):.2f} | about 0.4 |")
print(f"| emergency admissions per person-year | {per_person_year('apc_spells', emergency):.3f} | about 0.11 |")
print(f"| elective admissions per person-year | {per_person_year('apc_spells', elective):.3f} | about 0.15 |")
print(f"| outpatient appointments per person-year | {per_person_year('outpatients'):.2f} | about 1.7 |")
print(f"| adult social care people without an NHS token | {len(asc_no_token) / max(1, len(asc_people)):.1%} | 8% (setting) |")
print(f"| true 12-month emergency risk at {ref}: mean p vs observed rate | {mean_p:.4f} vs {rate:.4f} | equal |")
print(f"| oracle AUROC (true p against observed outcome, {len(scored):,} people) | {auroc:.3f} | 0.74-0.80 for UK models |")
