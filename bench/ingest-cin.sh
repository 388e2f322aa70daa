#!/usr/bin/env bash
# A council's Children in Need census return of CHILDREN children (default 100,000), one XML file as COLLECT takes it,
# ingested through the cin_census profile with a small heap (PHB_HEAP, default 1g): the file is read as a stream, so it
# lands whatever its size against the heap. Prints the file's size, the episodes and plans landed, the whole-process wall
# time and the peak resident memory of the ingest.
#
# Usage: bench/ingest-cin.sh [CHILDREN]   (work folder bench/results/ingest-cin-CHILDREN, removed first)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
children=${1:-100000}
d="bench/results/ingest-cin-$children"
rm -rf "$d"; mkdir -p "$d/landing/cin_census"
./phb --version >/dev/null
./phb keygen --out "$d/lake.key" >/dev/null
# invented children: ids, dates and codes drawn from the census's lists; one to three episodes each, each with none to
# two child protection plans, and the elements phb does not read (assessments, section 47, reviews) as a return has them
python3 - "$children" "$d/landing/cin_census/CIN_Census_330_2025.xml" <<'PY'
import random, sys
n, path = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(7)
def day(y0, y1):
    return f"{rnd.randint(y0, y1)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
with open(path, "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n<Header><CollectionDetails><Collection>CIN</Collection>'
            '<Year>2025</Year><ReferenceDate>2025-03-31</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel>'
            '<LEA>330</LEA><SoftwareCode>BENCH</SoftwareCode><Release>1</Release><SerialNo>001</SerialNo>'
            '<DateTime>2025-04-15T09:00:00</DateTime></Source></Header>\n<Children>\n')
    for i in range(n):
        f.write(f'<Child><ChildIdentifiers><LAchildID>C{i:07d}</LAchildID><UPNunknown>UN1</UPNunknown>'
                f'<PersonBirthDate>{day(2008, 2023)}</PersonBirthDate><Sex>{rnd.choice("MFU")}</Sex></ChildIdentifiers>'
                f'<ChildCharacteristics><Ethnicity>{rnd.choice(["WBRI", "MWBC", "APKN", "BAFR", "NOBT"])}</Ethnicity>'
                '<Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>\n')
        for _ in range(rnd.randint(1, 3)):
            start = day(2023, 2024)
            f.write(f'<CINdetails><CINreferralDate>{start}</CINreferralDate><ReferralSource>{rnd.choice(["1A", "2A", "5A", "6"])}'
                    f'</ReferralSource><PrimaryNeedCode>N{rnd.randint(1, 8)}</PrimaryNeedCode>'
                    + (f'<CINclosureDate>2025-{rnd.randint(1, 5):02d}-{rnd.randint(1, 28):02d}</CINclosureDate><ReasonForClosure>RC7</ReasonForClosure>' if rnd.random() < 0.5 else '')
                    + f'<Assessments><AssessmentActualStartDate>{start}</AssessmentActualStartDate><FactorsIdentifiedAtAssessment>'
                    '<AssessmentFactors>3A</AssessmentFactors><AssessmentFactors>4B</AssessmentFactors></FactorsIdentifiedAtAssessment>'
                    f'</Assessments><Section47><S47ActualStartDate>{start}</S47ActualStartDate><ICPCnotRequired>0</ICPCnotRequired>'
                    '</Section47><ReferralNFA>0</ReferralNFA>')
            for _ in range(rnd.choice([0, 0, 1, 2])):
                f.write(f'<ChildProtectionPlans><CPPstartDate>{day(2024, 2024)}</CPPstartDate><InitialCategoryOfAbuse>NEG'
                        '</InitialCategoryOfAbuse><LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse><NumberOfPreviousCPP>0'
                        f'</NumberOfPreviousCPP><Reviews><CPPreviewDate>{day(2024, 2024)}</CPPreviewDate></Reviews></ChildProtectionPlans>')
            f.write('</CINdetails>\n')
        f.write('</Child>\n')
    f.write('</Children>\n</Message>\n')
PY
bytes=$(stat -c %s "$d/landing/cin_census/"*.xml)
# shellcheck source=lib/ingest_timed.sh
source bench/lib/ingest_timed.sh
ingest_measured "$d" csc
python3 - "$d" "$children" "$bytes" "$SECS" "$RSS_MIB" "${PHB_HEAP:-1g}" <<'PY'
import json, sys
d, children, size, secs, rss, heap = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
j = json.load(open(f"{d}/ingest.json"))
print(f"cin census: {children:,} children in one {size / 2**20:.0f} MiB XML file; {j['rows_in']:,} episodes and plans in, "
      f"{j['rows_valid']:,} valid, {j['rows_quarantined']:,} quarantined; {secs:.1f} s whole process with heap {heap}, "
      f"peak resident memory {rss:,} MiB")
PY
