"""The dataset generator (``enrolment/dataset/generate.py``) and its ``generate_dataset`` command.

No database: the generator is pure Python and the command only writes JSON.
"""

import hashlib
import io
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from enrolment.dataset.generate import generate

ROOT = Path(__file__).resolve().parents[2]
KINDS = {"bachelor", "master", "bridging", "preparatory", "advanced_bachelor", "advanced_master", "postgraduate",
         "associate"}
GRADES = set(range(21)) | {"pass", "fail", "absent", "absent_justified"}
APPEAL_KINDS = {"exam_decision", "exemption", "learning_account_refusal", "study_progress_measure", "unit_refusal"}


def dumps(data) -> str:
    return json.dumps(data, indent=1, sort_keys=False, ensure_ascii=False)


@cache
def dataset(students=250, seed=1):
    return generate(students, seed=seed)


def d(s):
    return date.fromisoformat(s)


def problems(data, results_until="2026-11-23") -> list[str]:
    """Every violation of the format and of the invariants the generator promises."""
    out = []
    until = d(results_until)
    assert list(data) == ["format", "regulations", "academic_years", "programmes", "students", "enrolments",
                          "results", "degrees", "second_opportunity_registrations", "appeals"]
    if data["format"] != "eel-dataset/1" or data["regulations"] != "uhasselt-2026-2027":
        out.append("format/regulations")

    years = {}
    for y in data["academic_years"]:
        start, end = d(y["starts_on"]), d(y["ends_on"])
        assert [p["code"] for p in y["periods"]] == ["S1", "S2", "YEAR"]
        assert [(e["code"], e["opportunity"]) for e in y["exam_periods"]] == [("JAN", 1), ("JUN", 1), ("SEP", 2)]
        for p in y["periods"]:
            ds = [d(p[k]) for k in ("starts_on", "deregistration_deadline", "lessons_end_on", "ends_on")]
            if not (start <= ds[0] < ds[1] < ds[2] <= ds[3] <= end):
                out.append(f"{y['code']} period {p['code']} dates {ds}")
        for e in y["exam_periods"]:
            ds = [d(e[k]) for k in ("starts_on", "ends_on", "results_published_on")]
            if not (start <= ds[0] < ds[1] < ds[2] <= end):
                out.append(f"{y['code']} exam period {e['code']} dates {ds}")
        years[y["code"]] = {
            "start": start, "end": end,
            "periods": {p["code"]: p for p in y["periods"]},
            "exams": {e["code"]: e for e in y["exam_periods"]},
        }

    units, programmes = {}, {}
    for p in data["programmes"]:
        if p["code"] in programmes:
            out.append(f"duplicate programme {p['code']}")
        programmes[p["code"]] = p
        if p["kind"] not in KINDS:
            out.append(f"{p['code']}: kind {p['kind']}")
        n = len(p["course_units"])
        if not 20 <= n <= 60:
            out.append(f"{p['code']}: {n} course units")
        for u in p["course_units"]:
            if u["code"] in units:
                out.append(f"duplicate unit {u['code']}")
            units[u["code"]] = (p, u)
            if not 3 <= u["credits"] <= 9:
                out.append(f"{u['code']}: {u['credits']} credits")
            if {"S1": "JAN", "S2": "JUN", "YEAR": "JUN"}[u["period"]] != u["exam_period"]:
                out.append(f"{u['code']}: period {u['period']} exam {u['exam_period']}")
            if u["result_kind"] not in ("numeric", "pass_fail") or u["opportunities"] not in (1, 2):
                out.append(f"{u['code']}: result kind / opportunities")
            if p["kind"] == "bachelor":
                if u["package"] != (1 if u["stage"] == 1 else 2) or u["stage"] not in (1, 2, 3):
                    out.append(f"{u['code']}: stage {u['stage']} package {u['package']}")
            elif u["package"] is not None:
                out.append(f"{u['code']}: package {u['package']} outside a bachelor")
        if p["kind"] == "bachelor":
            if p["credits"] != 180:
                out.append(f"{p['code']}: {p['credits']} credits")
            for stage in (1, 2, 3):
                total = sum(u["credits"] for u in p["course_units"] if u["stage"] == stage)
                if total != 60:
                    out.append(f"{p['code']}: stage {stage} has {total} credits")
        if p["kind"] == "master" and p["credits"] not in (60, 120):
            out.append(f"{p['code']}: master of {p['credits']} credits")

    students = {}
    for s in data["students"]:
        if s["number"] in students:
            out.append(f"duplicate student {s['number']}")
        students[s["number"]] = s
        if not s["email"].isascii() or not s["email"].endswith("@example.org"):
            out.append(f"{s['number']}: email {s['email']}")
        la = s.get("learning_account")
        if la is not None:
            if not (20 <= la["balance"] <= 200 and 0 <= la["bonus_credits_earned"] <= 60):
                out.append(f"{s['number']}: learning account {la}")

    # Enrolments: references, dates, EN-1, EN-3, no diploma and exam contract in the same programme and year.
    lines_of = defaultdict(list)  # (student, year) -> [(contract, line)]
    contracts_of = defaultdict(list)
    seen_contracts = set()
    for i, e in enumerate(data["enrolments"]):
        where = f"enrolments[{i}]"
        y = years.get(e["academic_year"])
        if e["student"] not in students or e["programme"] not in programmes or y is None:
            out.append(f"{where}: unknown reference")
            continue
        key = (e["student"], e["programme"], e["academic_year"], e["contract"])
        if key in seen_contracts:
            out.append(f"{where}: duplicate contract {key}")
        seen_contracts.add(key)
        if e["contract"] not in ("diploma", "credit", "exam"):
            out.append(f"{where}: contract {e['contract']}")
        enrolled = d(e["enrolled_on"])
        if not (y["start"] - timedelta(days=21) <= enrolled <= y["end"]):
            out.append(f"{where}: enrolled_on {enrolled}")
        if (e["deregistered_on"] is None) != (e["deregistration_reason"] is None):
            out.append(f"{where}: deregistration incomplete")
        if e["deregistered_on"] is not None:
            dereg = d(e["deregistered_on"])
            if not (enrolled <= dereg <= y["end"] and y["start"] <= dereg):
                out.append(f"{where}: deregistered_on {dereg}")
            if e["deregistration_reason"] not in ("withdrawal", "programme_change"):
                out.append(f"{where}: reason {e['deregistration_reason']}")
        contracts_of[(e["student"], e["academic_year"])].append(e)
        codes = [line["code"] for line in e["course_units"]]
        if len(codes) != len(set(codes)) or not codes:
            out.append(f"{where}: empty or duplicate course units")
        for j, line in enumerate(e["course_units"]):
            if line["code"] not in units or units[line["code"]][0]["code"] != e["programme"]:
                out.append(f"{where}.course_units[{j}]: unit {line['code']} not of {e['programme']}")
                continue
            added = d(line["added_on"])
            if not (y["start"] - timedelta(days=21) <= added <= y["end"]) or added < enrolled:
                out.append(f"{where}.course_units[{j}]: added_on {added}")
            if line["removed_on"] is not None:
                removed = d(line["removed_on"])
                if not (added <= removed and y["start"] <= removed <= y["end"]):
                    out.append(f"{where}.course_units[{j}]: removed_on {removed}")
                if line["exempted"]:
                    out.append(f"{where}.course_units[{j}]: removed and exempted")
            lines_of[(e["student"], e["academic_year"])].append((e, line))

    for (number, year), items in lines_of.items():
        active = Counter(line["code"] for _, line in items if line["removed_on"] is None)
        for code, n in active.items():
            if n > 1:
                out.append(f"EN-1: {number} {year} takes {code} {n} times")
        # EN-3 at every moment: lines added and not yet removed, of contracts started and not yet ended.
        moments = {d(e["enrolled_on"]) for e, _ in items} | {d(line["added_on"]) for _, line in items}
        for moment in moments:
            load = sum(
                units[line["code"]][1]["credits"] for e, line in items
                if d(e["enrolled_on"]) <= moment and d(line["added_on"]) <= moment
                and (e["deregistered_on"] is None or moment < d(e["deregistered_on"]))
                and (line["removed_on"] is None or moment < d(line["removed_on"]))
            )
            if load > 72:
                out.append(f"EN-3: {number} {year} takes {load} credits on {moment}")
        # EN-3 at the end of the year: contracts not deregistered, lines not removed.
        load = sum(units[line["code"]][1]["credits"] for e, line in items
                   if e["deregistered_on"] is None and line["removed_on"] is None)
        if load > 72:
            out.append(f"EN-3: {number} {year} ends with {load} credits")
    for (number, year), contracts in contracts_of.items():
        kinds = defaultdict(set)
        for e in contracts:
            kinds[e["programme"]].add(e["contract"])
        for programme, ks in kinds.items():
            if {"diploma", "exam"} <= ks:
                out.append(f"EN-1: {number} {year} diploma and exam contract in {programme}")
        changes = [e for e in contracts if e["deregistration_reason"] == "programme_change"]
        for e in changes:
            successors = [x for x in contracts if x["contract"] == "diploma" and x["programme"] != e["programme"]
                          and x["enrolled_on"] == e["deregistered_on"]]
            if not successors:
                out.append(f"{number} {year}: programme change from {e['programme']} without a new contract")

    # EN-2: a generation student's first bachelor contract holds every stage-1 unit.
    first_contract = {}
    for e in data["enrolments"]:
        first_contract.setdefault(e["student"], e)
    if set(first_contract) != set(students):
        out.append("students without an enrolment")
    for number, e in first_contract.items():
        age = (years[e["academic_year"]]["start"] - d(students[number]["date_of_birth"])).days / 365.25
        if not 17 <= age <= 30:
            out.append(f"{number}: {age:.1f} years old at the start of {e['academic_year']}")
    for number, e in first_contract.items():
        p = programmes[e["programme"]]
        if (p["kind"] == "bachelor" and e["contract"] == "diploma"
                and students[number]["first_enrolled_in_flemish_higher_education"] == e["academic_year"]):
            stage1 = {u["code"] for u in p["course_units"] if u["stage"] == 1}
            if not stage1 <= {line["code"] for line in e["course_units"]}:
                out.append(f"EN-2: {number} {e['academic_year']} lacks stage-1 units")

    # Results: only for lines that were sat, only when published by results_until.
    sat = {}
    for (number, year), items in lines_of.items():
        for e, line in items:
            if line["removed_on"] is None and not line["exempted"]:
                sat[(number, year, line["code"])] = e
    seen_results = set()
    for i, r in enumerate(data["results"]):
        key = (r["student"], r["academic_year"], r["course_unit"])
        if (key, r["opportunity"]) in seen_results:
            out.append(f"results[{i}]: duplicate")
        seen_results.add((key, r["opportunity"]))
        e = sat.get(key)
        if e is None:
            out.append(f"results[{i}]: no line for {key}")
            continue
        p, u = units[r["course_unit"]]
        y = years[r["academic_year"]]
        exam = y["exams"][u["exam_period"] if r["opportunity"] == 1 else "SEP"]
        if d(exam["results_published_on"]) > until:
            out.append(f"results[{i}]: published {exam['results_published_on']} after {until}")
        if e["deregistered_on"] is not None and d(e["deregistered_on"]) < d(exam["starts_on"]):
            out.append(f"results[{i}]: contract deregistered before the exam")
        g = r["grade"]
        if g.__class__ is bool or g not in GRADES:
            out.append(f"results[{i}]: grade {g!r}")
        elif g not in ({"pass", "fail"} if u["result_kind"] == "pass_fail" else set(range(21))) | {
                "absent", "absent_justified"}:
            out.append(f"results[{i}]: grade {g!r} for a {u['result_kind']} unit")
        if r["opportunity"] == 2:
            if u["opportunities"] != 2 or (key, 1) not in seen_results:
                out.append(f"results[{i}]: second opportunity without a first or for a one-opportunity unit")
        elif r["opportunity"] != 1:
            out.append(f"results[{i}]: opportunity {r['opportunity']}")
    # EX-2: registrations for failed units in the window; after 8 August an unregistered failed unit has A.
    firsts = {(r["student"], r["academic_year"], r["course_unit"]): r["grade"] for r in data["results"]
              if r["opportunity"] == 1}
    seconds = {(r["student"], r["academic_year"], r["course_unit"]): r["grade"] for r in data["results"]
               if r["opportunity"] == 2}
    registered = set()
    for i, r in enumerate(data["second_opportunity_registrations"]):
        key = (r["student"], r["academic_year"], r["course_unit"])
        if key in registered:
            out.append(f"second_opportunity_registrations[{i}]: duplicate")
        registered.add(key)
        end_year = int(r["academic_year"][5:])
        on = d(r["registered_on"])
        if not date(end_year, 7, 11) <= on <= min(date(end_year, 8, 8), until):
            out.append(f"second_opportunity_registrations[{i}]: registered on {on}")
        first = firsts.get(key)
        if key not in sat or units[r["course_unit"]][1]["opportunities"] != 2 or first is None or first == "pass" or (
                isinstance(first, int) and first >= 10):
            out.append(f"second_opportunity_registrations[{i}]: not a failed unit with two opportunities")
    for key, first in firsts.items():
        end_year = int(key[1][5:])
        closes = date(end_year, 8, 8)
        e = sat[key]
        failed = first in ("fail", "absent", "absent_justified") or (isinstance(first, int) and first < 10)
        active = e["deregistered_on"] is None or d(e["deregistered_on"]) > closes
        if (failed and active and units[key[2]][1]["opportunities"] == 2 and until > closes
                and key not in registered and seconds.get(key) != "absent"):
            out.append(f"EX-2: {key} failed, not registered and without A")
    for key, grade in seconds.items():
        if key not in registered and grade != "absent":
            out.append(f"{key}: a second-opportunity grade without a registration")
    references = set()
    for i, a in enumerate(data["appeals"]):
        received = d(a["received_on"])
        if a["reference"] in references or not a["reference"].startswith(f"APP-{received.year}-"):
            out.append(f"appeals[{i}]: reference {a['reference']}")
        references.add(a["reference"])
        if a["student"] not in students or a["decision_kind"] not in APPEAL_KINDS:
            out.append(f"appeals[{i}]: {a}")
        if not d(a["decision_notified_on"]) < d(a["postmarked_on"]) < received <= until:
            out.append(f"appeals[{i}]: dates {a}")
    for i, g in enumerate(data["degrees"]):
        if g["student"] not in students or g["programme"] not in programmes:
            out.append(f"degrees[{i}]: unknown reference")
        elif programmes[g["programme"]]["kind"] != "master" or d(g["awarded_on"]) > until:
            out.append(f"degrees[{i}]: {g}")
    return out


# --------------------------------------------------------------------------------------------------------------


def test_same_seed_same_bytes_other_seed_other_data():
    a = dumps(generate(250, seed=1))
    assert dumps(generate(250, seed=1)) == a
    assert dumps(generate(250, seed=2)) != a


def test_output_does_not_depend_on_hash_randomisation():
    code = ("import hashlib, json; from enrolment.dataset.generate import generate; "
            "print(hashlib.sha256(json.dumps(generate(300, seed=7), indent=1, ensure_ascii=False)"
            ".encode()).hexdigest())")
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                             check=True)
        digests.add(run.stdout.strip())
    assert len(digests) == 1
    expected = hashlib.sha256(json.dumps(generate(300, seed=7), indent=1, ensure_ascii=False).encode()).hexdigest()
    assert digests == {expected}


def test_250_students_hold_every_invariant():
    assert problems(dataset()) == []


def test_other_seeds_and_sizes_hold_every_invariant():
    for students, seed in ((40, 3), (1200, 5)):
        assert problems(generate(students, seed=seed)) == [], (students, seed)


def test_three_years_and_a_later_cut_off():
    data = generate(300, seed=4, years=("2025-2026", "2026-2027", "2027-2028"), results_until="2027-11-30")
    assert problems(data, results_until="2027-11-30") == []
    assert {r["academic_year"] for r in data["results"]} == {"2025-2026", "2026-2027"}
    assert {e["academic_year"] for e in data["enrolments"]} == {"2025-2026", "2026-2027", "2027-2028"}


def test_calendar_2026_2027_is_the_one_of_the_spec():
    year = {y["code"]: y for y in dataset()["academic_years"]}["2026-2027"]
    assert year == {
        "code": "2026-2027", "starts_on": "2026-09-14", "ends_on": "2027-09-12",
        "periods": [
            {"code": "S1", "semester": 1, "starts_on": "2026-09-14", "lessons_end_on": "2026-12-23",
             "ends_on": "2027-02-07", "deregistration_deadline": "2026-11-08"},
            {"code": "S2", "semester": 2, "starts_on": "2027-02-08", "lessons_end_on": "2027-05-21",
             "ends_on": "2027-07-04", "deregistration_deadline": "2027-03-28"},
            {"code": "YEAR", "semester": 1, "starts_on": "2026-09-14", "lessons_end_on": "2027-05-21",
             "ends_on": "2027-07-04", "deregistration_deadline": "2026-12-15"},
        ],
        "exam_periods": [
            {"code": "JAN", "opportunity": 1, "starts_on": "2027-01-04", "ends_on": "2027-02-05",
             "results_published_on": "2027-02-12"},
            {"code": "JUN", "opportunity": 1, "starts_on": "2027-06-01", "ends_on": "2027-07-02",
             "results_published_on": "2027-07-09"},
            {"code": "SEP", "opportunity": 2, "starts_on": "2027-08-16", "ends_on": "2027-09-08",
             "results_published_on": "2027-09-10"},
        ],
    }
    earlier = {y["code"]: y for y in dataset()["academic_years"]}["2025-2026"]
    assert earlier["starts_on"] == "2025-09-15" and d(earlier["starts_on"]).weekday() == 0
    sep = earlier["exam_periods"][2]
    assert sep["starts_on"].startswith("2026-08") and sep["results_published_on"] < "2026-09-15"


def test_250_students_cover_every_case():
    data = dataset()
    programmes = {p["code"]: p for p in data["programmes"]}
    units = {u["code"]: u for p in data["programmes"] for u in p["course_units"]}
    with_students = {e["programme"] for e in data["enrolments"]}
    kinds = {programmes[c]["kind"] for c in with_students}
    assert {"bachelor", "master", "bridging"} <= kinds
    assert len(with_students) >= 3
    assert {e["contract"] for e in data["enrolments"]} == {"diploma", "credit", "exam"}
    lines = [(e, line) for e in data["enrolments"] for line in e["course_units"]]
    assert any(line["exempted"] for _, line in lines)
    assert any(line["added_on"] > e["enrolled_on"] and line["added_on"][5:7] == "10" for e, line in lines)

    def cut_offs(year):
        first = int(year[:4])
        return date(first, 12, 1), date(first + 1, 3, 15)

    removals = {"before": 0, "after": 0}
    for e, line in lines:
        if line["removed_on"]:
            dec1, mar15 = cut_offs(e["academic_year"])
            cut = mar15 if units[line["code"]]["period"] == "S2" else dec1
            removals["before" if d(line["removed_on"]) < cut else "after"] += 1
    assert removals["before"] > 0 and removals["after"] > 0

    withdrawals = [e for e in data["enrolments"] if e["deregistration_reason"] == "withdrawal"]
    windows = set()
    for e in withdrawals:
        dec1, mar15 = cut_offs(e["academic_year"])
        on = d(e["deregistered_on"])
        windows.add(0 if on < dec1 else (1 if on < mar15 else 2))
    assert windows == {0, 1, 2}
    changes = [e for e in data["enrolments"] if e["deregistration_reason"] == "programme_change"]
    assert changes
    assert data["results"]
    assert {r["opportunity"] for r in data["results"]} == {1, 2}
    grades = Counter(r["grade"] for r in data["results"])
    assert grades["absent"] and (grades["pass"] or grades["fail"])
    numeric = [g for g in grades.elements() if isinstance(g, int)]
    assert sum(10 <= g <= 16 for g in numeric) > len(numeric) / 2
    assert any(g in (8, 9) for g in numeric) and any(g < 8 for g in numeric)
    assert not [r for r in data["results"] if r["academic_year"] == "2026-2027"]
    assert any("learning_account" in s for s in data["students"])
    assert data["degrees"]
    assert data["second_opportunity_registrations"]
    assert any(r["opportunity"] == 2 and r["grade"] == "absent" for r in data["results"])
    assert {a["decision_kind"] for a in data["appeals"]} >= {"exam_decision"}
    # Students of the first year continue in the second.
    by_year = defaultdict(set)
    for e in data["enrolments"]:
        by_year[e["academic_year"]].add(e["student"])
    assert by_year["2025-2026"] & by_year["2026-2027"]
    assert by_year["2026-2027"] - by_year["2025-2026"]


def test_large_datasets_have_every_kind_and_a_long_tail_of_programme_sizes():
    data = generate(3000, seed=2)
    assert problems(data) == []
    kinds = Counter(p["kind"] for p in data["programmes"])
    assert {"bachelor", "master", "bridging", "preparatory", "advanced_master", "postgraduate", "associate"} <= set(
        kinds
    )
    sizes = Counter(e["programme"] for e in data["enrolments"] if e["academic_year"] == "2025-2026")
    ordered = sorted(sizes.values(), reverse=True)
    assert ordered[0] > 8 * ordered[-1]


def test_results_until_is_a_parameter():
    data = generate(250, seed=1, results_until="2026-03-01")
    assert problems(data, results_until="2026-03-01") == []
    assert data["results"] and {r["opportunity"] for r in data["results"]} == {1}
    assert not data["degrees"]
    assert data["enrolments"] == dataset()["enrolments"]


def test_json_round_trips():
    data = dataset()
    text = dumps(data)
    assert json.loads(text) == data
    assert dumps(json.loads(text)) == text


def test_command_writes_the_same_bytes_to_a_file_and_to_stdout(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "data.json"
    call_command("generate_dataset", "--students", "120", "--seed", "3", str(target), stderr=io.StringIO())
    again = tmp_path / "again.json"
    call_command("generate_dataset", "--students", "120", "--seed", "3", "--years", "2025-2026,2026-2027",
                 str(again), stderr=io.StringIO())
    assert target.read_bytes() == again.read_bytes()
    assert json.loads(target.read_text(encoding="utf-8")) == generate(120, seed=3)
    out = io.StringIO()
    call_command("generate_dataset", "--students", "120", "--seed", "3", "-", stdout=out, stderr=io.StringIO())
    assert out.getvalue() == target.read_text(encoding="utf-8")


def test_command_runs_without_a_database(tmp_path):
    env = {**os.environ, "EEL_DEV": "1", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
    target = tmp_path / "data.json"
    subprocess.run([sys.executable, "manage.py", "generate_dataset", "--students", "60", str(target)],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    assert json.loads(target.read_text(encoding="utf-8")) == generate(60)
