"""Scheduled delivery against a real SMTP server (aiosmtpd, started by the `smtp` fixture): who receives what,
the subject, the attached PDF's text, a donor's suppressed counts, a second run sending nothing, retries with
backoff, the administrators told, nothing sent while the latest build failed, and the command line."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys

import pytest

from dashboards import settings
from dashboards.filters import period_bounds, quarter_name, quarter_start
from dashboards.queries import db
from dashboards.reports import charts, delivery
from dashboards.reports import pack as packs
from dashboards.security import users
from tests.dashboards.reports.helpers import ADMIN, MANAGER, pdf_text
from tests.paths import ROOT

PASSWORD = "a long test password"
SUBSCRIBED = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
AFTER_Q3 = dt.datetime(2026, 11, 5, 6, 0, tzinfo=dt.UTC)  # the quarter just ended: 2026 Q3; the month: October


@pytest.fixture
def people(pack_env) -> dict[str, users.User]:
    for existing in users.list_users():  # the demo accounts, made where the app was first imported
        users.remove(existing["email"])
    made = {}
    for email, role, regions, donor in (("admin@test.scn", "admin", (), None),
                                        ("chair@test.scn", "steering_committee", (), None),
                                        ("member@test.scn", "steering_committee", (), None),
                                        ("hub@test.scn", "hub_lead", ("MENA",), None),
                                        ("donor@test.scn", "donor", (), "DON-01")):
        made[email] = users.add(email, PASSWORD, role, regions=regions, donor_id=donor)
    return made


@pytest.fixture
def sets(pack_env) -> dict[str, packs.PackSet]:
    return {
        "committee": packs.save_set(MANAGER, "Steering committee quarterly", {
            "title": "Steering committee quarterly", "query": "?period=all&region=mena",
            "charts": ["training/events", "overview/regions"]}),
        "donor": packs.save_set(MANAGER, "Donor update", {
            "title": "Donor update", "charts": ["impact/gender", "impact/role"]}),
    }


def test_the_sender_mails_each_recipient_their_own_pack_once(people, sets, smtp) -> None:
    delivery.subscribe(ADMIN, "Steering committee quarterly", role="steering_committee", cadence="quarterly",
                       now=SUBSCRIBED)
    delivery.subscribe(ADMIN, sets["committee"].id, role="hub_lead", cadence="monthly", now=SUBSCRIBED)
    report = delivery.run_due(now=AFTER_Q3)
    assert report.ok, report
    assert sorted(r for _, _, r in report.sent) == ["chair@test.scn", "hub@test.scn", "member@test.scn"]
    assert sorted(a for m in smtp.received for a in m.recipients) == sorted(r for _, _, r in report.sent)
    chair = smtp.to("chair@test.scn")[0]
    assert chair.subject == "Steering committee quarterly: Q3 2026"
    assert chair.sender == "reports@dash.example.org"
    name, data = chair.pdf()
    assert name.endswith(".pdf") and "steering-committee-quarterly" in name
    text = pdf_text(data)
    # the quarter just ended replaces the set's period; its region stays
    assert "Period 2026 Q3 (1 Jul 2026 – 30 Sep 2026)" in text
    assert "Regions: MENA" in text and "Prepared for chair@test.scn (Steering committee member)" in text
    for title in ("Events by event type", "Unique participants by region"):
        assert title in text and title in chair.body()
    hub = smtp.to("hub@test.scn")[0]
    assert hub.subject == "Steering committee quarterly: Oct 2026"
    assert "Period Custom range (1 Oct 2026 – 31 Oct 2026)" in pdf_text(hub.pdf()[1])
    # a second run, and a third a day later, send nothing twice
    received = len(smtp.received)
    again = delivery.run_due(now=AFTER_Q3)
    assert again.sent == [] and again.skipped == 3 and again.ok
    assert delivery.run_due(now=AFTER_Q3 + dt.timedelta(days=1)).sent == []
    assert len(smtp.received) == received
    assert {r["status"] for r in delivery.ledger()} == {"sent"}


def test_a_donors_email_carries_only_suppressed_counts(people, sets, smtp) -> None:
    donor_set = packs.save_set(MANAGER, "Donor quarterly", {"title": "Donor quarterly", "query": "?period=all",
                                                           "charts": ["impact/gender", "impact/role"]})
    delivery.subscribe(ADMIN, donor_set.id, role="donor", cadence="quarterly", now=SUBSCRIBED)
    assert delivery.run_due(now=AFTER_Q3).ok
    (mail,) = smtp.to("donor@test.scn")
    text = pdf_text(mail.pdf()[1])
    donor = people["donor@test.scn"].viewer()
    for chart_id in ("impact/gender", "impact/role"):
        chart = charts.CHARTS[chart_id]
        with db.acting_as(donor):  # the donor's own page, for the quarter the e-mail reports
            page = chart.call(charts.page_module("impact"), "?period=2026-Q3", {"audience": None})
        bars = page[chart.figure].to_plotly_json()["data"][0]
        labels = [f"{c}: {t}" for c, t in zip(bars["y"], bars["text"], strict=True)]
        assert "Values shown: " + " · ".join(labels) in text
        with db.acting_as(ADMIN):  # what staff see for the same grants: the numbers the labels stand in for
            staff = chart.call(charts.page_module("impact"), "?period=2026-Q3", {"audience": "donor:DON-01"})
        assert list(staff[chart.figure].to_plotly_json()["data"][0]["text"]) == list(bars["text"])
    hidden = [t for t in text.split("Values shown: ", 1)[1].split(" · ") if t.endswith(("<5", "[c]"))]
    assert hidden  # Q3 2026 has small counts for this donor: they reach the e-mail as labels only
    assert "Counts below 5 are shown as “<5”" in text
    assert "Prepared for donor@test.scn (Donor)" in text


def test_a_failing_send_is_retried_with_backoff_and_the_administrators_are_told(people, sets, smtp,
                                                                                  monkeypatch) -> None:
    monkeypatch.setenv("SCN_DELIVERY_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("SCN_DELIVERY_BACKOFF_MINUTES", "10")
    settings.get.cache_clear()
    small = packs.save_set(MANAGER, "Small", {"title": "Small", "charts": ["overview/trend"], "summary": False})
    sub = delivery.subscribe(ADMIN, small.id, role="steering_committee", cadence="quarterly", now=SUBSCRIBED)
    smtp.refuse.add("member@test.scn")  # the server refuses this mailbox
    first = delivery.run_due(now=AFTER_Q3)
    assert [r for _, _, r in first.sent] == ["chair@test.scn"]
    assert [(f[2], "550" in f[3]) for f in first.failed] == [("member@test.scn", True)]
    waiting = delivery.run_due(now=AFTER_Q3 + dt.timedelta(minutes=9))  # before the first wait of 10 minutes
    assert waiting.sent == [] and waiting.failed == []
    second = delivery.run_due(now=AFTER_Q3 + dt.timedelta(minutes=10))
    assert [f[2] for f in second.failed] == ["member@test.scn"]
    row = next(r for r in delivery.ledger() if r["recipient"] == "member@test.scn")
    assert (row["attempts"], row["next_attempt_at"]) == (2, (AFTER_Q3 + dt.timedelta(minutes=30)).isoformat())
    assert delivery.run_due(now=AFTER_Q3 + dt.timedelta(minutes=29)).failed == []  # waits twice as long
    third = delivery.run_due(now=AFTER_Q3 + dt.timedelta(minutes=30))
    assert third.gave_up == [(sub.id, "2026-Q3", "member@test.scn")] and third.alerts == 1
    (alert,) = smtp.to("admin@test.scn")
    assert alert.subject == "SCN pack not delivered: Small to member@test.scn"
    assert "after 3 attempts" in alert.body() and "550" in alert.body()
    assert delivery.run_due(now=AFTER_Q3 + dt.timedelta(days=3)).failed == []  # given up: not tried again
    smtp.refuse.clear()
    assert delivery.retry(ADMIN, sub.id) == 1
    assert [r for _, _, r in delivery.run_due(now=AFTER_Q3 + dt.timedelta(days=3)).sent] == ["member@test.scn"]
    assert len(smtp.to("chair@test.scn")) == 1
    events = [json.loads(line)["event"] for line in (settings.get().audit_path).read_text().splitlines()]
    assert events.count("pack_send_failed") == 3 and "delivery_alert" in events


def test_nothing_is_sent_while_the_latest_build_failed(people, sets, smtp, sample_db, tmp_path, monkeypatch) -> None:
    served = tmp_path / "served" / "scn.duckdb"
    served.parent.mkdir()
    shutil.copy(sample_db, served)
    monkeypatch.setenv("SCN_DB", str(served))
    settings.get.cache_clear()
    delivery.subscribe(ADMIN, sets["committee"].id, role="steering_committee", cadence="quarterly", now=SUBSCRIBED)
    report = {"ok": False, "published": False, "finished_at": "2026-11-04T22:00:00",
              "problems": [{"severity": "error", "file": "grants.csv", "line": 14, "column": "amount_awarded",
                            "message": "'ten thousand' is not a number"}]}
    settings.get().report_path.write_text(json.dumps(report))
    held = delivery.run_due(now=AFTER_Q3)
    assert held.held == "the latest build failed" and held.sent == [] and not held.ok
    (alert,) = smtp.received
    assert alert.recipients == ["admin@test.scn"] and alert.subject == "SCN packs held: the latest build failed"
    assert "grants.csv:14:amount_awarded: 'ten thousand' is not a number" in alert.body()
    assert delivery.run_due(now=AFTER_Q3).sent == [] and len(smtp.received) == 1  # told once per failed build
    # a build that succeeds writes its own report: what was due goes out on the next run
    from data_pipeline.build import build
    from tests.paths import SAMPLE

    assert build(SAMPLE, served).ok
    assert sorted(r for _, _, r in delivery.run_due(now=AFTER_Q3).sent) == ["chair@test.scn", "member@test.scn"]


def test_on_each_new_publish_a_pack_goes_out_once(people, sets, smtp, monkeypatch) -> None:
    from data_pipeline import versions

    store = settings.get().sources_store
    (store / "20261101T060000Z-aaaaaa").mkdir(parents=True)
    versions.write_pointer(store, "20261101T060000Z-aaaaaa")
    sub = delivery.subscribe(ADMIN, sets["donor"].id, role="donor", cadence="publish", now=SUBSCRIBED)
    assert sub.baseline == "20261101T060000Z-aaaaaa"
    assert delivery.run_due(now=AFTER_Q3).sent == []  # nothing published since it was made
    (store / "20261104T060000Z-bbbbbb").mkdir()
    versions.write_pointer(store, "20261104T060000Z-bbbbbb")
    run = delivery.run_due(now=AFTER_Q3)  # on a failure, why: held, failed (with the error) or skipped
    assert run.sent == [(sub.id, "publish:20261104T060000Z-bbbbbb", "donor@test.scn")], run
    assert delivery.run_due(now=AFTER_Q3 + dt.timedelta(hours=1)).sent == []
    assert "Period Last 12 months" in pdf_text(smtp.to("donor@test.scn")[0].pdf()[1])  # the set's own period


def _sub(cadence: str, since: dt.datetime, baseline: str | None = None) -> delivery.Subscription:
    return delivery.Subscription(1, 1, "admin", (), cadence, "en", since, baseline, "test", True)


def test_what_is_due_when() -> None:
    may = dt.datetime(2026, 5, 20, tzinfo=dt.UTC)
    assert delivery.due(_sub("monthly", may), AFTER_Q3, "v") == delivery.Due(
        "2026-10", "Oct 2026", {"period": "custom", "from": "2026-10-01", "to": "2026-10-31"})
    assert delivery.due(_sub("monthly", dt.datetime(2026, 11, 2, tzinfo=dt.UTC)), AFTER_Q3, "v") is None
    assert delivery.due(_sub("quarterly", may), AFTER_Q3, "v") == delivery.Due("2026-Q3", "Q3 2026",
                                                                              {"period": "2026-Q3"})
    assert delivery.due(_sub("quarterly", may), dt.datetime(2027, 1, 1, tzinfo=dt.UTC), "v").key == "2026-Q4"
    assert delivery.due(_sub("monthly", may), dt.datetime(2027, 1, 1, tzinfo=dt.UTC), "v").key == "2026-12"
    assert delivery.due(_sub("quarterly", dt.datetime(2026, 10, 1, tzinfo=dt.UTC)), AFTER_Q3, "v") is None
    assert delivery.due(_sub("publish", may, "v1"), AFTER_Q3, "v1") is None
    assert delivery.due(_sub("publish", may, "v1"), AFTER_Q3, "v2").key == "publish:v2"


def test_subscriptions_are_an_administrators_and_fit_the_role(people, sets) -> None:
    with pytest.raises(delivery.DeliveryError, match="only administrators"):
        delivery.subscribe(MANAGER, sets["donor"].id, role="donor", cadence="monthly")
    with pytest.raises(delivery.DeliveryError, match="the donor role may not open training/events, overview/regions"):
        delivery.subscribe(ADMIN, sets["committee"].id, role="donor", cadence="monthly")
    with pytest.raises(delivery.DeliveryError, match="cadence 'weekly' is not one of"):
        delivery.subscribe(ADMIN, sets["donor"].id, role="donor", cadence="weekly")
    with pytest.raises(delivery.DeliveryError, match="role 'public' is not one of"):
        delivery.subscribe(ADMIN, sets["donor"].id, role="public", cadence="monthly")
    with pytest.raises(delivery.DeliveryError, match=r"chair@test\.scn is not an active donor account"):
        delivery.subscribe(ADMIN, sets["donor"].id, role="donor", cadence="monthly", emails=("chair@test.scn",))
    with pytest.raises(packs.PackRefused, match="no pack set 'nope'"):
        delivery.subscribe(ADMIN, "nope", role="donor", cadence="monthly")
    with pytest.raises(packs.PackRefused, match="language 'de'"):
        delivery.subscribe(ADMIN, sets["donor"].id, role="donor", cadence="monthly", lang="de")
    named = delivery.subscribe(ADMIN, sets["committee"].id, role="steering_committee", cadence="monthly",
                               emails=("Chair@Test.scn",), now=SUBSCRIBED)
    assert [u.email for u in delivery.recipients(named)] == ["chair@test.scn"]
    delivery.unsubscribe(ADMIN, named.id)
    assert delivery.subscriptions() == []


def test_the_sender_says_which_setting_is_missing(people, monkeypatch) -> None:
    monkeypatch.delenv("SCN_SMTP_HOST", raising=False)
    settings.get.cache_clear()
    with pytest.raises(delivery.DeliveryError, match="give SCN_SMTP_HOST"):
        delivery.run_due(now=AFTER_Q3)


def test_the_command_line_sends_what_is_due_once(people, sets, smtp) -> None:
    from typer.testing import CliRunner

    from tools.deliver import cli

    runner = CliRunner()
    made = runner.invoke(cli, ["subscribe", "Steering committee quarterly", "--role", "steering_committee",
                               "--cadence", "quarterly"])
    assert made.exit_code == 0, made.output
    # three days into the next quarter: the quarter of today (when the subscription was made) has just ended
    ends = period_bounds(quarter_start(dt.date.today()), "quarter")[1]
    now = f"{ends + dt.timedelta(days=3)}T06:00:00"
    first = runner.invoke(cli, ["--due", "--now", now])
    assert first.exit_code == 0, first.output
    assert "2 sent, 0 to retry, 0 given up" in first.output
    second = runner.invoke(cli, ["--due", "--now", now])
    assert second.exit_code == 0 and "0 sent, 0 to retry, 0 given up, 2 already sent" in second.output
    assert len(smtp.received) == 2
    ledger = runner.invoke(cli, ["ledger"])
    assert ledger.exit_code == 0 and quarter_name(ends) in ledger.output


def test_the_alias_module_runs_the_command_line() -> None:
    root = ROOT
    done = subprocess.run([sys.executable, "-m", "dashboards.deliver", "--help"], cwd=root, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "--due" in done.stdout and "subscribe" in done.stdout


def test_a_french_subscription_gets_its_pack_and_email_in_french(people, sets, smtp) -> None:
    delivery.subscribe(ADMIN, "Steering committee quarterly", role="steering_committee", cadence="quarterly",
                       lang="fr", now=SUBSCRIBED)
    assert delivery.run_due(now=AFTER_Q3).ok
    chair = smtp.to("chair@test.scn")[0]
    assert chair.subject == "Steering committee quarterly : T3 2026"
    body = chair.body()
    assert body.startswith("Veuillez trouver ci-joint votre dossier programmé « Steering committee quarterly » "
                           "pour T3 2026")
    assert ", trimestriel)." in body and "Sommaire :" in body
    text = pdf_text(chair.pdf()[1])
    assert "Préparé pour chair@test.scn" in text and "Période T3 2026" in text
