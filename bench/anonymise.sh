#!/usr/bin/env bash
# Times `phb anonymise` on a generated table: ROWS rows of six quasi-identifiers (age, sex, IMD decile,
# ethnicity, admission date, local authority) and a diagnosis; 5-anonymity and distinct 2-diversity, at most 2% suppression. Prints the JSON summary.
# Usage: bench/anonymise.sh [ROWS]   (default 1,000,000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rows=${1:-1000000}
d="bench/results/anonymise-$rows"
rm -rf "$d"; mkdir -p "$d"
python3 - "$d/people.csv" "$rows" <<'PY'
import random, sys
random.seed(1)
eth = "ABCDEFGHJKLMNPRSZ"
dx = ["J44", "I50", "E11", "F20", "C50", "N18"]
with open(sys.argv[1], "w") as f:
    f.write("age,sex,imd_decile,ethnicity,admitted,la,diagnosis\n")
    for _ in range(int(sys.argv[2])):
        f.write(f"{random.randint(0, 99)},{random.choice('12')},{random.randint(1, 10)},{random.choice(eth)},"
                f"2025-{random.randint(1, 12):02d}-{random.randint(1, 28):02d},LA{random.randint(1, 12):02d},{random.choice(dx)}\n")
PY
printf '1;*\n2;*\n' > "$d/sex.csv"
for i in $(seq -w 1 12); do echo "LA$i;R$(( (10#$i - 1) / 4 ));*"; done > "$d/la.csv"
./phb --version >/dev/null
/usr/bin/time -f "wall %e s, peak RSS %M KB" ./phb anonymise --in "$d/people.csv" --qi age=builtin:age --qi sex="$d/sex.csv" \
  --qi imd_decile=builtin:imd --qi ethnicity=builtin:ethnicity --qi admitted=builtin:date --qi la="$d/la.csv" --sensitive diagnosis \
  --k 5 --l 2 --max-suppression 0.02 --out "$d/out" --json
