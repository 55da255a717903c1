"""Languages benchmark: does speaking French or Arabic cost time? The frame (`/_dash-layout`, the page with its
filter bar) and the page callbacks of the callbacks benchmark, asked for in English, French and Arabic from the
same running app, over HTTP, signed in.

The reader's language comes as a real browser sends it: `?lang=` in the page's address, which a Dash request
carries in its Referer (dashboards/i18n/negotiate.py). The answer and query caches are off (SCN_CACHE_SECONDS=0),
so every request does the whole work: what a language could add (catalog lookups, Babel's number and date
formatting, the right-to-left stylesheet) is in every figure. The three languages take turns request by request
(the order rotating), so drift in the machine's load falls on each alike; the ratio to English is the figure.
"""

from __future__ import annotations

import os
import statistics
import time

from bench import appserver

NAME = "languages"
DESCRIPTION = "the frame and the page callbacks in English, French and Arabic (caches off): time per language"
PORT = 8311
LANGUAGES = ("en", "fr", "ar")
ROUNDS = 3
TARGET_RATIO = 1.10  # a language may cost at most 10% over English (medians)


def _with_lang(search: str, lang: str) -> str:
    return f"{search}&lang={lang}" if search else f"?lang={lang}"


def _frame_ms(session, base: str, path: str, search: str) -> float:
    started = time.perf_counter()
    answer = session.get(base + "/_dash-layout", headers={"Referer": base + path + search}, timeout=120)
    answer.raise_for_status()
    return (time.perf_counter() - started) * 1000


def _callback_ms(session, base: str, cb, search: str) -> float:
    session.headers["Referer"] = base + appserver.PAGES[cb.page] + search
    try:
        return appserver.post(session, base, cb, search)[0]
    finally:
        session.headers.pop("Referer", None)


def run_part(args, say) -> dict:
    db = appserver.built_db(1.0, say)
    sets = appserver.filter_sets(db)[:6]
    frames: dict[str, list[float]] = {lang: [] for lang in LANGUAGES}
    callbacks: dict[str, list[float]] = {lang: [] for lang in LANGUAGES}
    load = os.getloadavg()[0]
    with appserver.serve(db, PORT, env_extra={"SCN_CACHE_SECONDS": "0"}) as server:
        session = appserver.sign_in(server.base)
        found = appserver.page_callbacks(session, server.base)
        turn = 0
        for round_ in range(ROUNDS):
            for _label, search in sets:
                for path in appserver.PAGES.values():
                    for lang in LANGUAGES[turn % 3:] + LANGUAGES[:turn % 3]:
                        frames[lang].append(_frame_ms(session, server.base, path, _with_lang(search, lang)))
                    turn += 1
                for cb in found:
                    for lang in LANGUAGES[turn % 3:] + LANGUAGES[:turn % 3]:
                        callbacks[lang].append(_callback_ms(session, server.base, cb, _with_lang(search, lang)))
                    turn += 1
            say(f"  round {round_ + 1}: frame medians " + ", ".join(
                f"{lang} {statistics.median(frames[lang]):,.0f} ms" for lang in LANGUAGES))
    summary = {kind: {lang: {"median_ms": statistics.median(values), "runs": len(values),
                             "p95_ms": sorted(values)[int(0.95 * (len(values) - 1))]}
                      for lang, values in measured.items()}
               for kind, measured in (("frame", frames), ("callbacks", callbacks))}
    return {"summary": summary, "sets": len(sets), "callbacks": len(found), "rounds": ROUNDS,
            "load_before": load, "load_after": os.getloadavg()[0]}


def render(result: dict) -> str:
    lines = [
        f"Scale-1 database, signed in as an admin, caches off; {result['rounds']} rounds of {result['sets']} filter "
        f"sets over the 4 pages' frames and {result['callbacks']} callbacks, the languages taking turns. *ratio*: "
        f"the language's median over English's (target at most {TARGET_RATIO:.2f}). Load average "
        f"{result['load_before']:.1f} before, {result['load_after']:.1f} after.", "",
        "| request | language | runs | median ms | p95 ms | ratio to English | within target |",
        "|---|---|---:|---:|---:|---:|:---:|"]
    for kind, by_lang in result["summary"].items():
        english = by_lang["en"]["median_ms"]
        for lang, r in by_lang.items():
            ratio = r["median_ms"] / english
            lines.append(f"| {kind} | {lang} | {r['runs']} | {r['median_ms']:,.0f} | {r['p95_ms']:,.0f} | "
                         f"{ratio:.2f}× | {'yes' if ratio <= TARGET_RATIO else 'no'} |")
    return "\n".join(lines)
