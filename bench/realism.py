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

# Children's and adult social care, education and PHBs against England's published counts (each with its source). A
# figure far from England's is a finding about the generator to record, not a target to tune it to.
ENGLAND_POPULATION_MID_2023 = 57_690_300   # ONS mid-2023 population estimates, England
CIN_2024, CIN_RATE_2024 = 399_460, 332.9   # DfE Children in need 2024: at 31 March 2024, and per 10,000 children
ENGLAND_CHILDREN = CIN_2024 / CIN_RATE_2024 * 10_000  # children under 18 that rate implies
CLA_2024 = 83_630                          # DfE Children looked after in England 2024: at 31 March 2024
EHCP_PUPILS_2024 = 4.8                     # DfE Special educational needs in England, January 2024: % of pupils with an EHC plan
ASC_LTS_2023_24 = 858_720                  # NHS England ASC Activity and Finance Report 2023-24: long term support during the year
PHBS_2023_24 = 188_489                     # NHS England personal health budgets, year to Q4 2023-24
CHC_STANDARD_2023_24 = 47_871              # eligible for standard NHS CHC, 2023-24 (written answer UIN 21203, 7 January 2025)
TOP5_SHARE = 0.50                          # Health Foundation WP7 (Dreyer et al. 2019): top 5% of patients, ~50% of primary,
                                           # secondary care and GP-prescribed drug cost, England 2014/15
TOP1_HOSPITAL_SHARE = 0.32                 # IFS W15/21 (Kelly, Stoye, Vera-Hernandez 2015): 1% of the population, 32% of
                                           # hospital spending

def strict_day(text):
    try:
        return date.fromisoformat(text.strip()) if text and text.strip() else None
    except ValueError:
        return None  # an injected bad date
def open_on(s, e, on):
    return s is not None and s <= on and (e is None or e >= on)
def overlaps(s, e, first, last):
    return s is not None and s <= last and (e is None or e >= first)

census, school_day, fy = date(2024, 3, 31), date(2024, 1, 18), (date(2023, 4, 1), date(2024, 3, 31))
present = [int(p["birth_year"]) for p in persons if p["birth_year"]
           and (strict_day(p["entry_date"]) or start) <= census and (strict_day(p["exit_date"]) or end) > census]
kids = sum(1 for y in present if census.year - y < 18)
adults = len(present) - kids
school_age = sum(1 for y in present if 5 <= census.year - y <= 15)
cin = {r["child_token"] for r in rows("csc") if open_on(strict_day(r["start_date"]), strict_day(r["end_date"]), census)}
cla = {r["child_token"] for r in rows("csc") if r["episode_type"] == "CLA"
       and open_on(strict_day(r["start_date"]), strict_day(r["end_date"]), census)}
ehcp_pupils = {r["pupil_token"] for r in rows("ehcp") if r["birth_year"].isdigit() and 5 <= school_day.year - int(r["birth_year"]) <= 15
               and open_on(strict_day(r["start_date"]), strict_day(r["end_date"]), school_day)}
asc_lts = {r["la_person_token"] for r in rows("asc_cld") if r["event_type"] == "Service" and r["service_type"].startswith("LTS_")
           and overlaps(strict_day(r["event_start"]), strict_day(r["event_end"]), *fy)}
phbs = {r["phb_id"] for r in rows("phb_register") if overlaps(strict_day(r["start_date"]), strict_day(r["end_date"]), *fy)}
england_adults = ENGLAND_POPULATION_MID_2023 - ENGLAND_CHILDREN
print(f"| children in need at 31 March 2024, per 10,000 children ({kids:,} children) | {len(cin) / kids * 1e4:.0f} | "
      f"{CIN_RATE_2024:.0f} (DfE CIN 2024: 399,460) |")
print(f"| children looked after at 31 March 2024, per 10,000 children | {len(cla) / kids * 1e4:.0f} | "
      f"{CLA_2024 / ENGLAND_CHILDREN * 1e4:.0f} (DfE CLA 2024: 83,630) |")
print(f"| children aged 5-15 with an EHC plan in January 2024 ({school_age:,}) | {len(ehcp_pupils) / school_age:.1%} | "
      f"{EHCP_PUPILS_2024:.1f}% of pupils (DfE SEN in England 2024) |")
print(f"| adults with long-term social care support in 2023-24 ({adults:,} adults) | {len(asc_lts) / adults:.2%} | "
      f"{ASC_LTS_2023_24 / england_adults:.2%} (ASC-FR 2023-24: 858,720) |")
print(f"| personal health budgets in 2023-24, per 100,000 people | {len(phbs) / len(present) * 1e5:.0f} | "
      f"{PHBS_2023_24 / ENGLAND_POPULATION_MID_2023 * 1e5:.0f} (NHS England, year to Q4 2023-24: 188,489) |")
chc = {r["nhs_token"] for r in rows("chc") if r["pathway"] == "STANDARD" and r["decision"] == "ELIGIBLE"
       and open_on(strict_day(r["package_start"]), strict_day(r["package_end"]), census)}
print(f"| eligible for standard NHS CHC at 31 March 2024, per 100,000 adults | {len(chc) / adults * 1e5:.0f} | "
      f"{CHC_STANDARD_2023_24 / england_adults * 1e5:.0f} (NHS England 2023-24: 47,871) |")

# the shape of spend in 2023-24: each person's cost in primary care, hospital and GP prescribing, over the people present
def spend(tables):
    by_person = {}
    for table, date_field in tables:
        for r in rows(table):
            d = strict_day(r[date_field])
            try:
                cost = float(r["cost"]) if r["cost"] else 0.0
            except ValueError:
                continue  # an injected bad cost
            if d is not None and fy[0] <= d <= fy[1] and 0 <= cost < 1e6:
                by_person[r["nhs_token"]] = by_person.get(r["nhs_token"], 0.0) + cost
    return sorted(by_person.values(), reverse=True)
def top_share(costs, share):
    return sum(costs[:max(1, round(len(present) * share))]) / sum(costs)
hospital = [("apc_spells", "admission_date"), ("ecds", "arrival_date"), ("outpatients", "appointment_date")]
health = spend(hospital + [("gp_appointments", "appointment_date"), ("prescriptions", "period_month")])
print(f"| share of primary, hospital and prescribing spend in 2023-24 in the top 5% of people | {top_share(health, 0.05):.0%} | "
      f"about {TOP5_SHARE:.0%} (Health Foundation 2019, England 2014/15) |")
print(f"| share of hospital spend in 2023-24 in the top 1% of people | {top_share(spend(hospital), 0.01):.0%} | "
      f"{TOP1_HOSPITAL_SHARE:.0%} (IFS 2015, England 2011/12) |")
