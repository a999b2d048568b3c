"""Turn a generated data set into the benchmark's inputs (runs in a process of its own, no Django needed).

``python -m enrolment.bench.prepare SOURCE DATASET XLSX META --rows R --seed S --year Y --period P``

- The largest programme of year ``Y`` (most active diploma and exam contracts) is the one deliberated.
- The results file: the first-opportunity results of exam period ``P`` (e.g. JUN) of whole programmes, largest
  first (never the deliberated one), are held back from the data set until at least ``R`` are held; the first
  ``R`` of them (by student and unit) become an XLSX results file as a lecturer or the administration would
  upload it. Whole programmes, because the importer records a proclamation for every exam period and programme
  it loads results of, and the results service rightly refuses new results in a proclaimed period. The held
  back results that do not fit in the file are results still to come.
- ``META`` (JSON): the deliberated programme, the results file's exam period and size, 1,000 students for the
  learning-account statements and the filter and search of the student list, all drawn with ``random.Random(S)``
  so that the same inputs give the same benchmark.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter, defaultdict


def prepare(source: str, dataset: str, xlsx: str, meta_path: str, rows: int, seed: int, year: str,
            period: str, statements: int = 1000) -> dict:
    with open(source, encoding="utf-8") as fh:
        data = json.load(fh)
    unit_programme = {u["code"]: p["code"] for p in data["programmes"] for u in p["course_units"]}
    unit_info = {u["code"]: u for p in data["programmes"] for u in p["course_units"]}
    active = [e for e in data["enrolments"] if e["academic_year"] == year and e["deregistered_on"] is None
              and e["contract"] in ("diploma", "exam")]
    sizes = Counter(e["programme"] for e in active)
    if not sizes:
        raise SystemExit(f"no active contracts in {year}: nothing to benchmark")
    largest = max(sizes, key=lambda code: (sizes[code], code))

    # Results of ``period`` per programme, and which programmes to hold back.
    in_period: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(data["results"]):
        if (r["academic_year"] == year and r["opportunity"] == 1
                and unit_info[r["course_unit"]]["exam_period"] == period):
            in_period[unit_programme[r["course_unit"]]].append(i)
    held: list[int] = []
    held_programmes = []
    for code in sorted(in_period, key=lambda c: (-len(in_period[c]), c)):
        if len(held) >= rows:
            break
        if code == largest:
            continue
        held.extend(in_period[code])
        held_programmes.append(code)
    held_set = set(held)
    file_rows = sorted((data["results"][i] for i in held),
                       key=lambda r: (r["student"], r["course_unit"]))[:rows]
    data["results"] = [r for i, r in enumerate(data["results"]) if i not in held_set]
    with open(dataset, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Results")
    sheet.append(["Student number", "Name", "Course unit code", "Grade"])
    names = {s["number"]: f"{s['last_name']}, {s['first_name']}" for s in data["students"]}
    words = {"absent": "A", "absent_justified": "AJ"}
    for r in file_rows:
        sheet.append([r["student"], names[r["student"]], r["course_unit"], words.get(r["grade"], r["grade"])])
    book.save(xlsx)

    rng = random.Random(seed)
    numbers = sorted({e["student"] for e in data["enrolments"] if e["academic_year"] == year})
    sample = rng.sample(numbers, min(statements, len(numbers)))
    in_largest = sorted({e["student"] for e in active if e["programme"] == largest})
    last_names = Counter(names[n].split(",")[0] for n in in_largest)
    common = max(last_names, key=lambda name: (last_names[name], name))
    meta = {
        "year": year, "largest_programme": largest, "largest_programme_students": sizes[largest],
        "results_period": period, "results_rows": len(file_rows), "held_back_results": len(held),
        "held_back_programmes": held_programmes, "statement_students": sample,
        "page_students": rng.sample(in_largest, min(50, len(in_largest))),
        # The list filtered on the largest programme, the year and diploma contracts, searched for part of the
        # most common family name there (a search that matches many students, not one).
        "list_search": common[:4].lower(), "list_filter": {"programme": largest, "kind": "diploma"},
    }
    with open(meta_path, "w", encoding="utf-8") as fh:
        json.dump(meta, fh, indent=1)
    return meta


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("dataset")
    parser.add_argument("xlsx")
    parser.add_argument("meta")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", default="2026-2027")
    parser.add_argument("--period", default="JUN")
    args = parser.parse_args(argv)
    prepare(args.source, args.dataset, args.xlsx, args.meta, args.rows, args.seed, args.year, args.period)


if __name__ == "__main__":
    main()
