#!/usr/bin/env bash
# Whole-process time and peak memory of `phb anonymise` on a table shaped like the public "adult" benchmark that ARX's
# own benchmarks use: 30,162 rows, 8 quasi-identifiers (age, sex, race, marital status, education, native country,
# work class, salary class) and occupation as the sensitive column, with 2-4 level hierarchies. The rows are generated
# here (the original file is not on Maven Central or Debian); domain sizes follow the original. 5-anonymity, at most
# 2% suppression, optimised for Iyengar's loss (ARX's default). A local CSV runs in plain Java, without Spark.
# Usage: bench/anonymise-adult.sh [ROWS]   (default 30162)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rows=${1:-30162}
d="bench/results/anonymise-adult-$rows"
rm -rf "$d"; mkdir -p "$d"
python3 - "$d" "$rows" <<'PY'
import random, sys
d, n = sys.argv[1], int(sys.argv[2])
random.seed(7)
edu = ["Preschool", "1st-4th", "5th-6th", "7th-8th", "9th", "10th", "11th", "12th", "HS-grad", "Some-college",
       "Assoc-voc", "Assoc-acdm", "Bachelors", "Masters", "Prof-school", "Doctorate"]
edu_w = [1, 2, 3, 6, 5, 9, 11, 4, 98, 66, 13, 10, 50, 17, 6, 4]
marital = ["Married-civ-spouse", "Never-married", "Divorced", "Separated", "Widowed", "Married-spouse-absent", "Married-AF-spouse"]
marital_w = [140, 97, 42, 9, 8, 4, 1]
race = ["White", "Black", "Asian-Pac-Islander", "Amer-Indian-Eskimo", "Other"]
race_w = [259, 28, 9, 3, 2]
work = ["Private", "Self-emp-not-inc", "Local-gov", "State-gov", "Self-emp-inc", "Federal-gov", "Without-pay"]
work_w = [222, 25, 21, 13, 11, 9, 1]
countries = ["United-States", "Mexico", "Philippines", "Germany", "Puerto-Rico", "Canada", "El-Salvador", "India", "Cuba",
             "England", "Jamaica", "South", "China", "Italy", "Dominican-Republic", "Vietnam", "Guatemala", "Japan", "Poland",
             "Columbia", "Taiwan", "Haiti", "Iran", "Portugal", "Nicaragua", "Peru", "Greece", "France", "Ecuador", "Ireland",
             "Hong", "Cambodia", "Trinadad&Tobago", "Laos", "Thailand", "Yugoslavia", "Outlying-US", "Hungary", "Honduras",
             "Scotland", "Holand-Netherlands"]
country_w = [2750] + [max(1, 60 - 3 * i) for i in range(40)]
occupation = ["Prof-specialty", "Craft-repair", "Exec-managerial", "Adm-clerical", "Sales", "Other-service",
              "Machine-op-inspct", "Transport-moving", "Handlers-cleaners", "Farming-fishing", "Tech-support",
              "Protective-serv", "Priv-house-serv", "Armed-Forces"]
with open(f"{d}/adult.csv", "w") as f:
    f.write("age,sex,race,marital_status,education,native_country,workclass,salary_class,occupation\n")
    for _ in range(n):
        age = min(90, max(17, int(random.gauss(38, 13))))
        f.write(",".join([str(age), random.choice(["Male", "Male", "Female"]), random.choices(race, race_w)[0],
                          random.choices(marital, marital_w)[0], random.choices(edu, edu_w)[0],
                          random.choices(countries, country_w)[0], random.choices(work, work_w)[0],
                          random.choice(["<=50K", "<=50K", "<=50K", ">50K"]), random.choice(occupation)]) + "\n")
def hierarchy(name, rows):
    with open(f"{d}/{name}.csv", "w") as f:
        f.write("".join(";".join(r) + "\n" for r in rows))
hierarchy("sex", [[s, "*"] for s in ["Male", "Female"]])
hierarchy("race", [[r, "White" if r == "White" else "Non-white", "*"] for r in race])
spouse = {"Married-civ-spouse", "Married-AF-spouse"}
hierarchy("marital", [[m, "Spouse present" if m in spouse else "Spouse not present", "*"] for m in marital])
def edu_group(e):
    i = edu.index(e)
    return ("Primary" if i < 4 else "Secondary" if i < 9 else "Higher", "Low" if i < 9 else "High")
hierarchy("education", [[e, *edu_group(e), "*"] for e in edu])
hierarchy("country", [[c, "US" if c == "United-States" else "Non-US", "*"] for c in countries])
hierarchy("work", [[w, "Private" if w == "Private" else "Government" if w.endswith("gov") else "Other", "*"] for w in work])
hierarchy("salary", [[s, "*"] for s in ["<=50K", ">50K"]])
PY
./phb --version >/dev/null
/usr/bin/time -f "wall %e s, peak RSS %M KB" ./phb anonymise --in "$d/adult.csv" --qi age=builtin:age --qi sex="$d/sex.csv" \
  --qi race="$d/race.csv" --qi marital_status="$d/marital.csv" --qi education="$d/education.csv" \
  --qi native_country="$d/country.csv" --qi workclass="$d/work.csv" --qi salary_class="$d/salary.csv" \
  --k 5 --max-suppression 0.02 --loss iyengar --out "$d/out" --json
