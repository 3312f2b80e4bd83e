"""Terminal tables align by display width; invisible characters in names show escaped (issue #17, obs. 12)."""

from __future__ import annotations

import json

import pytest

from tradeoff_studio.cli.console import display_width, print_table, safe_text

NAMES = ["Ridge", "岭回归", "ランダムフォレスト", "🌲 forest", "❤️ fav", "café", "cafe\u0301"]


def test_display_width_counts_wide_and_zero_width_characters() -> None:
    assert [display_width(name) for name in NAMES] == [5, 6, 18, 9, 6, 4, 4]
    assert display_width("a\u200bb") == 2  # a zero-width space takes no column (it is escaped anyway)


def test_table_columns_line_up_with_cjk_and_emoji(capsys: pytest.CaptureFixture[str]) -> None:
    print_table(["system", "quality", "cost"], [[name, 0.5, 1.25] for name in NAMES])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(NAMES) + 1
    starts = {display_width(line[: line.index("0.5")]) for line in lines[1:]}
    assert starts == {display_width(lines[0][: lines[0].index("quality")])}
    ends = {display_width(line) for line in lines[1:]}
    assert len(ends) == 1


def test_invisible_characters_show_escaped_and_json_still_reads_them() -> None:
    assert safe_text("Ridge\u200b") == "Ridge\\u200b"
    assert safe_text("\ufeffname\u00ad\u2060") == "\\ufeffname\\u00ad\\u2060"
    assert safe_text("👨\u200d👩\u200d👧") == "👨\u200d👩\u200d👧"  # the joiner of an emoji sequence stays
    shown = safe_text(json.dumps({"system": "Ridge\u200b"}, ensure_ascii=False))
    assert json.loads(shown) == {"system": "Ridge\u200b"}
