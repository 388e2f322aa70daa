#!/usr/bin/env bash
# A council's SEN2 return of PERSONS children and young people (default 100,000), one XML file with their names, dates of
# birth, postcodes and UPNs (all invented), pseudonymised where the council holds it (`phb pseudonymise --profile sen2`)
# and then ingested through the sen2 profile, each with a small heap (PHB_HEAP, default 1g): both read the file as a
# stream, so neither needs memory in proportion to it. Prints the file's size, the persons pseudonymised, the plans
# landed, and each step's whole-process wall time and peak resident memory.
#
# Usage: bench/sen2.sh [PERSONS]   (work folder bench/results/sen2-PERSONS, removed first)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
persons=${1:-100000}
d="bench/results/sen2-$persons"
rm -rf "$d"; mkdir -p "$d/council"
./phb --version >/dev/null
./phb keygen --out "$d/provider.key" >/dev/null
./phb keygen --out "$d/lake.key" >/dev/null
# invented people: names, dates and codes drawn from the return's lists; one or two requests each, the last with a plan in
# force on census day (placement, needs, review), an earlier one refused in a fifth of cases
python3 - "$persons" "$d/council/SEN2_373_2025.xml" <<'PY'
import random, sys
n, path = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(11)
names = ["Ali", "Amelia", "Ava", "Bea", "Cai", "Deniz", "Ella", "Finn", "Grace", "Hari", "Isla", "Jay", "Kofi", "Lena", "Mo", "Noor"]
surnames = ["Ahmed", "Brown", "Clarke", "Davies", "Evans", "Green", "Hughes", "Jones", "Khan", "Lewis", "Patel", "Smith", "Walker"]
def day(y0, y1):
    return f"{rnd.randint(y0, y1)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
with open(path, "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n<Header><CollectionDetails><Collection>SEN2</Collection>'
            '<Year>2025</Year><ReferenceDate>2025-01-16</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel>'
            '<LEA>373</LEA><SoftwareCode>BENCH</SoftwareCode><Release>1</Release><SerialNo>001</SerialNo>'
            '<DateTime>2025-02-03T10:00:00</DateTime><DMO>Y</DMO><DCO>Y</DCO></Source></Header>\n<Persons>\n')
    for i in range(n):
        f.write(f'<Person><Surname>{rnd.choice(surnames)}</Surname><Forename>{rnd.choice(names)}</Forename>'
                f'<PersonBirthDate>{day(2003, 2021)}</PersonBirthDate><Sex>{rnd.choice("MF")}</Sex><Ethnicity>WBRI</Ethnicity>'
                f'<PostCode>S{rnd.randint(1, 36)} {rnd.randint(1, 9)}{rnd.choice("ABDEFGHJ")}{rnd.choice("LNPQRSTU")}</PostCode>'
                f'<UPN>A{i:012d}</UPN>\n')
        if rnd.random() < 0.2:
            f.write(f'<Requests><ReceivedDate>{day(2019, 2020)}</ReceivedDate><RYA>0</RYA><RequestOutcomeDate>{day(2020, 2020)}'
                    '</RequestOutcomeDate><RequestOutcome>N</RequestOutcome></Requests>\n')
        urn = rnd.randint(100000, 150000)
        f.write(f'<Requests><ReceivedDate>{day(2021, 2023)}</ReceivedDate><RYA>0</RYA><RequestOutcome>Y</RequestOutcome>'
                f'<Assessment><AssessmentOutcome>Y</AssessmentOutcome><AssessmentOutcomeDate>{day(2023, 2023)}</AssessmentOutcomeDate>'
                f'<NamedPlan><StartDate>{day(2023, 2024)}</StartDate><PlanDetail><URN>{urn}</URN><PlacementRank>1</PlacementRank>'
                '<SENunitIndicator>0</SENunitIndicator><ResourcedProvisionIndicator>0</ResourcedProvisionIndicator></PlanDetail>'
                '<PB>0</PB></NamedPlan></Assessment>'
                f'<ActivePlans><PlacementDetail><URN>{urn}</URN><PlacementRank>1</PlacementRank><EntryDate>{day(2023, 2024)}</EntryDate>'
                f'<SENunitIndicator>0</SENunitIndicator><ResourcedProvisionIndicator>{rnd.choice("0001")}</ResourcedProvisionIndicator>'
                f'</PlacementDetail><SENneed><SENtype>{rnd.choice(["ASD", "SEMH", "SLCN", "MLD", "SPLD", "SLD", "PMLD", "DS"])}</SENtype>'
                f'<SENtypeRank>1</SENtypeRank></SENneed><ReviewMeeting>{day(2024, 2024)}</ReviewMeeting><ReviewOutcome>M</ReviewOutcome>'
                '</ActivePlans></Requests>\n</Person>\n')
    f.write('</Persons>\n</Message>\n')
PY
bytes=$(stat -c %s "$d/council/"*.xml)
heap=${PHB_HEAP:-1g}
t0=$(date +%s.%N)
PHB_HEAP=$heap /usr/bin/time -f "%M" -o "$d/rss_pseudonymise_kb" ./phb pseudonymise --in "$d/council" --profile sen2 \
  --key-file "$d/provider.key" --out "$d/landing/sen2" --json > "$d/pseudonymise.json" 2> "$d/pseudonymise.err" \
  || { echo "pseudonymise failed; see $d/pseudonymise.err" >&2; tail -5 "$d/pseudonymise.err" >&2; exit 1; }
t1=$(date +%s.%N)
# shellcheck source=lib/ingest_timed.sh
source bench/lib/ingest_timed.sh
ingest_measured "$d" ehcp
t2=$(echo "$t1 + $SECS" | bc)
# nothing identifying may reach the landing folder
if grep -q -E '<(Surname|Forename|PostCode|UPN|PersonBirthDate)>' "$d/landing/sen2/"*.xml; then
  echo "sen2: an identifier reached the landing folder" >&2; exit 1
fi
python3 - "$d" "$persons" "$bytes" "$t0" "$t1" "$t2" "$heap" <<'PY'
import json, sys
d, persons, size, t0, t1, t2, heap = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), *map(float, sys.argv[4:7]), sys.argv[7]
p = json.load(open(f"{d}/pseudonymise.json"))
j = json.load(open(f"{d}/ingest.json"))
rss = {k: int(open(f"{d}/rss_{k}_kb").read().split()[-1]) / 1024 for k in ("pseudonymise", "ingest")}
print(f"sen2: {persons:,} persons in one {size / 2**20:.0f} MiB XML file; heap {heap}")
print(f"sen2: pseudonymise {p['persons']:,} persons ({p['local_ids_tokenised']:,} UPNs tokenised) in {t1 - t0:.1f} s whole process, "
      f"peak resident memory {rss['pseudonymise']:,.0f} MiB")
aside = j["feeds"]["ehcp"]["read_by"]["sen2"].split("; ")[-1].split(" rows set aside")[0] if "set aside" in j["feeds"]["ehcp"]["read_by"]["sen2"] else "0"
print(f"sen2: ingest {j['rows_in']:,} plans in ({aside} requests without one set aside), {j['rows_valid']:,} valid, {j['rows_quarantined']:,} quarantined in "
      f"{t2 - t1:.1f} s whole process, peak resident memory {rss['ingest']:,.0f} MiB")
PY
