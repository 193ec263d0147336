"""bench/layers.py's attribution rule on hand-made py-spy stacks: a sample belongs to the layer
of its innermost frame whose top-level module is in a known group, our code is recognised by
the tree's root, and the shares become ms of CPU per referral."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.layers import HOP, OTHER, attribute, classify, collections_between, table, top_module

pytestmark = pytest.mark.unit

TREE = Path("/work/main")
SITE = "/work/main/.venv/lib/python3.11/site-packages"
STDLIB = "/root/.pyenv/versions/3.11.7/lib/python3.11"

LOOP = [
    f"run ({STDLIB}/asyncio/runners.py:118)",
    f"BaseEventLoop._run_once ({STDLIB}/asyncio/base_events.py:1922)",
    f"RequestResponseCycle.run_asgi ({SITE}/uvicorn/protocols/http/httptools_impl.py:426)",
    f"Router.__call__ ({SITE}/starlette/routing.py:715)",
]
WORKER = [
    f"Thread._bootstrap ({STDLIB}/threading.py:1002)",
    f"WorkerThread.run ({SITE}/anyio/_backends/_asyncio.py:967)",
    f"run_endpoint_function ({SITE}/fastapi/routing.py:212)",
    "create_referral (/work/main/api/referrals.py:88)",
]


def test_our_code_takes_the_samples_of_the_standard_library_it_calls() -> None:
    stack = [
        *WORKER,
        "ReferParticipant.__call__ (/work/main/services/referrals.py:140)",
        f"uuid5 ({STDLIB}/uuid.py:720)",
        f"_hashlib_new ({STDLIB}/hashlib.py:160)",
    ]

    sample = classify(stack, TREE)

    assert sample.layer == "services: use cases"
    assert sample.frame == "ReferParticipant.__call__ (services/referrals.py)"
    assert sample.caller == "api: routes, middleware"


def test_the_innermost_known_frame_wins_over_our_code_around_it() -> None:
    encoding = [
        *WORKER,
        "GroupCommit.save (/work/main/infra/group_commit.py:77)",
        f"dumps ({STDLIB}/json/__init__.py:231)",
        f"JSONEncoder.iterencode ({STDLIB}/json/encoder.py:258)",
    ]
    validating = [*LOOP, f"BaseModel.model_validate ({SITE}/pydantic/main.py:596)"]
    selecting = [*WORKER, f"Cursor.execute ({SITE}/psycopg/cursor.py:97)"]

    assert classify(encoding, TREE)[0] == "json encoding"
    assert classify(validating, TREE)[0] == "pydantic"
    assert classify(selecting, TREE)[0] == "database drivers"
    assert classify(LOOP, TREE)[0] == "starlette/fastapi"


def test_the_thread_hop_is_what_is_left_of_a_worker_thread_outside_any_other_layer() -> None:
    waiting = [
        f"Thread._bootstrap ({STDLIB}/threading.py:1002)",
        f"_worker ({STDLIB}/concurrent/futures/thread.py:81)",
        f"SimpleQueue.get ({STDLIB}/queue.py:171)",
    ]
    handing_off = [
        *WORKER,
        "GroupCommitRecorder.insert_events (/work/main/infra/group_commit.py:106)",
        f"Event.wait ({STDLIB}/threading.py:629)",
        f"Condition.wait ({STDLIB}/threading.py:327)",
    ]

    assert classify(waiting, TREE) == (HOP, "_worker (concurrent/futures/thread.py)", "")
    assert classify(handing_off, TREE) == (
        HOP,
        "Condition.wait (threading.py)",
        "infra: store, group commit, keyring",
    )


def test_a_package_of_the_same_name_outside_the_tree_is_not_ours() -> None:
    elsewhere = [*LOOP[:2], "handler (/srv/other/api/routes.py:10)"]

    assert top_module("/srv/other/api/routes.py", TREE) != "api"
    assert top_module("/work/main/api/routes.py", TREE) == "api"
    assert classify(elsewhere, TREE)[0] == "uvicorn, h11/httptools, asyncio"


def test_a_stack_with_no_known_frame_is_other_and_named_by_its_leaf() -> None:
    stack = [
        "<module> (/work/main/bench/site.py:3)",
        "_find_and_load (<frozen importlib._bootstrap>:1176)",
    ]

    assert classify(stack, TREE) == (
        OTHER,
        "_find_and_load (<frozen importlib._bootstrap>:1176)",
        "",
    )


def test_shares_of_the_samples_become_ms_of_the_process_cpu_per_referral() -> None:
    raw = "\n".join(
        [
            ";".join([*WORKER, "ReferParticipant.__call__ (/work/main/services/r.py:1)"]) + " 25",
            ";".join([*WORKER, f"dumps ({STDLIB}/json/__init__.py:231)"]) + " 10",
            ";".join([*WORKER, "ReferParticipant.__call__ (/work/main/services/r.py:2)"]) + " 5",
            ";".join(LOOP) + " 10",
            "",
        ]
    )

    attribution = attribute(raw, TREE)
    rows = table(attribution.samples, cpu_ms_per_referral=2.0)

    assert [(row.layer, row.samples) for row in rows] == [
        ("services: use cases", 30),
        ("json encoding", 10),
        ("starlette/fastapi", 10),
    ]
    assert [row.ms_per_referral for row in rows] == pytest.approx([1.2, 0.4, 0.4])
    assert sum(row.share for row in rows) == pytest.approx(1.0)
    assert attribution.frames["services: use cases"].most_common(1) == [
        ("ReferParticipant.__call__ (services/r.py)", 30)
    ]


def test_gc_cpu_is_summed_over_the_collections_of_the_run_only(tmp_path: Path) -> None:
    (tmp_path / "4242.pauses").write_text(
        "99.000000 40.000 2 39.000\n"  # before the run
        "100.500000 1.200 0 1.100\n"
        "101.000000 130.000 2 120.500\n"
        "103.000000 0.900 1 0.800\n"  # after the run
    )

    during = collections_between(tmp_path, since=100.0, until=102.0)

    assert during.count == 2
    assert during.cpu_ms == pytest.approx(121.6)
    assert during.largest_ms == pytest.approx(130.0)
