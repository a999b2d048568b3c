"""The benchmark (issue 8) at a small size: it runs end to end and reports every measure; no timing is asserted.

``benchmark --in-place`` runs generate_dataset and import_dataset as commands of their own against this test's
database (so the test needs committed data: ``transaction=True``), then measures in this process.
"""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from enrolment.bench import database, stats
from enrolment.bench.runner import changed

MEASURES = [
    "generate_dataset",
    "import_dataset (one transaction)",
    "deliberation_proposal (",
    "floor: one SQL query, weighted percentage per student",
    "deliberation_proposal / floor",
    "learning_account --format json (",
    "student list, filtered and searched (test client)",
    "student list, first page of everyone (test client)",
    "student page (test client)",
    "results file import, ",
    "run_deadlines --as-of 2027-08-09",
    "run_deadlines --as-of 2027-08-09, again",
    "export_dataset (everything)",
]


@pytest.mark.django_db(transaction=True)
def test_benchmark_at_200_students_reports_every_measure_and_each_succeeds(tmp_path, capsys):
    report_file = tmp_path / "bench.json"
    call_command("benchmark", "--students", "200", "--seed", "3", "--repeat", "2", "--result-rows", "300",
                 "--in-place", "--workdir", str(tmp_path / "work"), "--json", str(report_file))
    report = json.loads(report_file.read_text(encoding="utf-8"))

    assert {"machine", "students", "measures"} <= set(report)
    assert report["students"] == 200
    assert {"cpu", "cores"} <= set(report["machine"])
    names = [m["name"] for m in report["measures"]]
    assert len(names) == len(MEASURES)
    for expected, name in zip(MEASURES, names, strict=True):
        assert name.startswith(expected), (expected, name)
    for m in report["measures"]:
        assert {"name", "median_s", "p95_s", "queries", "target", "ok"} <= set(m), m
        assert "error" not in m, m
        assert isinstance(m["median_s"], float) and m["median_s"] <= m["p95_s"] or m.get("unit") == "ratio", m
        assert isinstance(m["ok"], bool)
    by_name = {m["name"].split(" (")[0]: m for m in report["measures"]}
    assert by_name["import_dataset"]["peak_memory_mib"] > 0
    # Pages and statements are measured with their number of queries; the sweep's repeat changes nothing.
    for name in ("student list, filtered and searched", "student page", "learning_account --format json"):
        assert by_name[name]["queries"] > 0, name
    assert by_name["run_deadlines --as-of 2027-08-09, again"]["changed"] == 0
    assert report["inputs"]["results_rows"] > 0
    # The table went to standard output with a row per measure.
    out = capsys.readouterr().out
    assert "median" in out and "p95" in out and "target" in out
    assert out.count("\n") >= len(MEASURES) + 2


@pytest.mark.django_db(transaction=True)
def test_in_place_refuses_a_database_that_holds_students(tmp_path):
    from students.models import Student

    Student.objects.create(number="2600001", first_name="An", last_name="Peeters", date_of_birth="2008-03-01",
                           email="an@example.org", street="Stationsplein 1", postcode="3500", city="Hasselt")
    with pytest.raises(CommandError, match="without students"):
        call_command("benchmark", "--students", "10", "--in-place", "--workdir", str(tmp_path))


def test_sqlite_is_refused_above_10000_students(monkeypatch):
    monkeypatch.setattr(database, "engine", lambda: "sqlite")
    with pytest.raises(CommandError, match="SQLite"):
        call_command("benchmark", "--students", "10001")


def test_the_benchmark_database_is_named_beside_the_configured_one(monkeypatch):
    assert database.bench_name("eel_office") == "eel_office_bench"
    assert database.bench_name("eel_bench") == "eel_bench"
    monkeypatch.setattr(database, "engine", lambda: "sqlite")
    assert database.bench_name("/srv/db.sqlite3") == "/srv/db_bench.sqlite3"
    with pytest.raises(ValueError):
        database.drop("/srv/db.sqlite3")


def test_median_and_nearest_rank_p95():
    assert stats.median([3, 1, 2]) == 2
    assert stats.median([4, 1, 2, 3]) == 2.5
    samples = list(range(1, 101))
    assert stats.p95(samples) == 95
    assert stats.p95([1, 2, 3]) == 3  # fewer than 20 samples: the largest
    m = stats.Measure("x", "p95 <= 2 s", 2, samples=[1.0, 1.5, 2.5])
    assert not m.ok and m.as_json()["p95_s"] == 2.5
    m = stats.Measure("x", "p95 <= 3 s", 3, samples=[1.0, 1.5, 2.5])
    assert m.ok


def test_changed_counts_the_sweeps_summary_lines():
    output = ("ex2_second_opportunity_absent (EX-2) as of 2027-08-09: 12 changed, 0 left\n"
              "  + 2600001 INF101 2026-2027: A (opportunity 2)\n"
              "la6_refund_windows (LA-6/LA-7) as of 2027-08-09: 0 changed, 0 left\n")
    assert changed(output) == 12
