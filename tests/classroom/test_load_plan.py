"""The load test's plan and report, without a server: pages, texts, the walk, think times, percentiles."""

import itertools

import numpy as np
import pytest

from bench.load_plan import PAGES, actions, parse_pages, start_offset, student_text, think_seconds
from bench.load_report import SessionLog, per_page, percentiles, summarise, thin


def test_pages_parse_all_lists_and_refuse_unknown_names():
    assert [p.name for p in parse_pages("all")] == list(PAGES)
    assert [p.name for p in parse_pages(" tour_next , tour_next,embeddings")] == ["tour_next", "embeddings"]
    for bad in ("", "nope", "tour_next,nope"):
        with pytest.raises(ValueError, match="choose 'all'"):
            parse_pages(bad)


def test_every_session_types_its_own_text_every_time():
    for spec in PAGES.values():
        texts = [student_text(spec, s, a) for s, a in itertools.product(range(30), range(20))]
        assert len(set(texts)) == len(texts), spec.name  # distinct texts: no cache hit flatters the test


def test_the_walk_opens_a_page_types_then_moves_on_starting_at_its_own_page():
    pages = parse_pages("tokenization,attention,next_token")
    walk = [(a, p.name) for a, p in itertools.islice(actions(pages, 4, 2), 7)]
    assert walk == [("open", "attention"), ("type", "attention"), ("type", "attention"),
                    ("open", "next_token"), ("type", "next_token"), ("type", "next_token"),
                    ("open", "tokenization")]  # fmt: skip
    firsts = {next(actions(pages, s, 1))[1].name for s in range(3)}
    assert firsts == {"tokenization", "attention", "next_token"}  # a class spreads over the pages


def test_think_times_stay_in_5_to_20_seconds_and_start_offsets_spread():
    rng = np.random.default_rng(0)
    pauses = np.array([think_seconds(rng) for _ in range(5000)])
    assert pauses.min() >= 5.0 and pauses.max() <= 20.0
    assert 9.0 < pauses.mean() < 12.5  # shifted exponential of mean 12.5, cut at 20
    offsets = [start_offset(rng) for _ in range(1000)]
    assert 0 <= min(offsets) < 1 and 19 < max(offsets) <= 20


def test_report_per_page_percentiles_cpu_per_request_and_errors():
    logs = [
        SessionLog([("tour_next", 100.0), ("tour_next", 200.0)], [], 2),
        SessionLog([("embeddings", 300.0)], ["exception: X"], 2),
    ]
    report = summarise(logs, 2, {"cpu_s": 2.0, "peak_rss_mb": 900.0, "rss_trace_mb": [800, 900]})
    assert (report["requests"], report["errors"], report["p50_ms"]) == (4, 1, 200.0)
    assert report["pages"]["tour_next"] == {"requests": 2, **percentiles([100.0, 200.0])}
    assert report["pages"]["embeddings"]["p99_ms"] == 300.0
    assert report["cpu_s_per_request"] == 0.5 and report["peak_rss_mb"] == 900.0
    assert per_page([SessionLog()]) == {} and summarise([SessionLog()], 1)["p95_ms"] is None


def test_rss_trace_is_thinned_keeping_both_ends():
    values = [float(i) for i in range(100)]
    assert thin(values, 12)[0] == 0.0 and thin(values, 12)[-1] == 99.0 and len(thin(values, 12)) == 12
    assert thin([1.0, 2.0], 12) == [1.0, 2.0]
