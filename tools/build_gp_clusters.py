#!/usr/bin/env python3
"""Builds schemas/.../profiles/code_maps/gp_clusters.csv: SNOMED CT concept -> phb condition code, for the gp_events profile.

Inputs (downloads, one row per concept and cluster):
  QOF      `concept_id,group,cluster,version,term`: NHS England Primary Care Domain reference set clusters of the QOF
           business rules, as published on OpenCodelists (nhsd-primary-care-domain-refsets/<cluster>/<version>), each file
           checked against the SHA-1 its OpenSAFELY codelists.json records.
  EFI      `concept_id,group,deficit,term`: the electronic Frailty Index deficit code sets (Clegg et al. 2016) in SNOMED CT,
           as reproduced by the Greater Manchester SDE (UoM-Data-Science-Platforms/gm-sde,
           shared/clinical-code-sets/*/efi-<deficit>/1/efi-<deficit>.snomed.txt).

Policy: a long-term condition with a QOF cluster is read from that cluster only (the register's definition); the eFI sets
give the frailty deficits, and the conditions no QOF cluster could be found for (CKD stage 3-5, Parkinson's). Concepts
listed in EXCLUDED are left out, each with its reason.

Usage: tools/build_gp_clusters.py QOF.csv EFI.csv > schemas/src/main/resources/uk/nhs/phb/schemas/profiles/code_maps/gp_clusters.csv
"""
import csv
import sys

EFI_VERSION = "gm-sde v1"
# (condition, concept): why it is left out
EXCLUDED = {
    ("CKD", "73211009"): "Diabetes mellitus: not kidney disease (in the eFI chronic kidney disease set as published)",
    ("CKD", "190388001"): "Multiple complications due to type 2 diabetes mellitus: not kidney disease",
}


# No copy of the QOF cancer register cluster (CAN_COD) could be confirmed: cancer is read from five core SNOMED CT disorder
# concepts instead (malignant neoplastic disease and the four commonest sites), a partial cluster an ICB extends with its
# own copy of CAN_COD as local rows.
CANCER = [
    ("363346000", "Malignant neoplastic disease"),
    ("254837009", "Malignant neoplasm of breast"),
    ("363406005", "Malignant tumor of colon"),
    ("399068003", "Malignant tumor of prostate"),
    ("93880001", "Primary malignant neoplasm of lung"),
]


def main(qof_path, efi_path):
    rows = [(c, "CAN", "cancer-core", "snomed-uk", term) for c, term in CANCER]
    with open(qof_path, newline="", encoding="utf-8") as f:
        qof = list(csv.DictReader(f))
    from_qof = {r["group"] for r in qof}
    for r in qof:
        rows.append((r["concept_id"], r["group"], r["cluster"], r["version"], r["term"]))
    left_out = set()
    with open(efi_path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if (r["group"], r["concept_id"]) in EXCLUDED:
                left_out.add((r["group"], r["concept_id"]))
                continue
            if r["group"] in from_qof:
                continue
            rows.append((r["concept_id"], r["group"], "efi-" + r["deficit"], EFI_VERSION, r["term"]))
    if left_out != set(EXCLUDED):
        sys.exit(f"EXCLUDED names concepts the eFI input no longer has: {set(EXCLUDED) - left_out}")
    rows.sort(key=lambda r: (r[1], r[2], int(r[0])))
    out = csv.writer(sys.stdout, lineterminator="\n")
    sys.stdout.write(
        "# SNOMED CT concepts of the long-term condition and frailty code clusters phb reads GP events by (tools/build_gp_clusters.py).\n"
        "# Long-term conditions: NHS England Primary Care Domain reference set clusters of the QOF business rules (OpenCodelists\n"
        "# nhsd-primary-care-domain-refsets, version per row; Open Government Licence). Frailty deficits, chronic kidney disease and\n"
        "# Parkinson's disease: the electronic Frailty Index code sets (Clegg et al., Age and Ageing 2016) in SNOMED CT as reproduced\n"
        "# by the Greater Manchester Secure Data Environment (UoM-Data-Science-Platforms/gm-sde), less two diabetes concepts in its\n"
        "# kidney set. SNOMED CT is SNOMED International's, licensed for UK use through NHS England. Cancer: five core SNOMED CT\n"
        "# disorder concepts (no copy of QOF's CAN_COD could be confirmed; add the ICB's own as local rows).\n")
    out.writerow(["concept_id", "condition", "cluster", "version", "term"])
    seen = set()
    for r in rows:
        if r in seen:
            continue
        seen.add(r)
        out.writerow(r)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
