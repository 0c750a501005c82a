"""`newsdesk backfill`: every day of a range written from the store, idempotent, a bad
day reported while the others go on, nothing delivered."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import demo_site
from tests.helpers import invoke
from tests.receivers import Receiver


def run(site: Path, *args: str) -> tuple[int, str, str]:
    return invoke("--config", site / "newsdesk.toml", *args)


def test_backfill_writes_each_day_once_and_again_the_same(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    receiver = Receiver().start()
    try:
        monkeypatch.setenv("HOOK_URL", receiver.url("/hook/abcdefgh12"))
        site = demo_site(
            tmp_path, '\n[[channels]]\nname = "team"\nkind = "webhook"\nurl_env = "HOOK_URL"\n'
        )
        code, stdout, stderr = run(site, "backfill", "--from", "2026-11-09", "--to", "2026-11-12")
        assert code == 0, stderr
        paths = [Path(line) for line in stdout.split()]
        assert [p.name[:10] for p in paths] == [
            "2026-11-09",
            "2026-11-10",
            "2026-11-11",
            "2026-11-12",
        ]
        first = [p.read_text(encoding="utf-8") for p in paths]
        code, stdout, stderr = run(
            site, "backfill", "--from", "2026-11-09", "--to", "2026-11-12", "--no-collect"
        )
        assert code == 0, stderr
        assert [Path(line).read_text(encoding="utf-8") for line in stdout.split()] == first
        assert receiver.requests == []  # backfill delivers nothing
    finally:
        receiver.stop()


def test_a_day_without_items_is_reported_and_the_rest_go_on(tmp_path: Path) -> None:
    site = demo_site(tmp_path)
    code, stdout, stderr = run(site, "backfill", "--from", "2026-11-14", "--to", "2026-11-18")
    assert code == 0, stderr
    written = [Path(line).name[:10] for line in stdout.split()]
    assert "2026-11-14" in written and "2026-11-18" not in written
    assert "2026-11-18: skipped" in stderr and "Traceback" not in stderr


def test_a_wrong_range_is_a_usage_error(tmp_path: Path) -> None:
    site = demo_site(tmp_path)
    code, _, stderr = run(site, "backfill", "--from", "2026-11-12", "--to", "2026-11-09")
    assert code == 2 and "before --from" in stderr
