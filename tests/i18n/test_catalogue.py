"""The Chinese catalogue (sim/i18n/zh.po) covers every text hubsim marks, keeps its fields, and
the stored-text templates parse back; numbers follow the zh_CN locale."""

from __future__ import annotations

import ast
import datetime as dt
import string
from pathlib import Path

from babel.dates import format_date as babel_date
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from sim.i18n import catalogue, format_date, format_number, language, localise, tr
from sim.i18n.catalog import stored_templates
from sim.viewer.page import html_words, page_words, script_words

ROOT = Path(__file__).resolve().parents[2]
_FORMATTER = string.Formatter()


def _marked() -> tuple[dict[str, str], set[str]]:
    """Every text given to tr(), N_() or en() in sim/ (where), and those given to en()."""
    found: dict[str, str] = {}
    stored: set[str] = set()
    for path in sorted((ROOT / "sim").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("tr", "N_", "en")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}")
                if node.func.id == "en":
                    stored.add(node.args[0].value)
    for word in [*script_words(), *html_words()]:
        found.setdefault(word, "sim/viewer")
    return found, stored


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in _FORMATTER.parse(text) if name is not None}


def test_every_marked_text_has_a_chinese_translation():
    marked, _ = _marked()
    table = catalogue("zh")
    missing = [f"{where}: {text!r}" for text, where in marked.items() if text not in table]
    assert not missing, "untranslated (add them to sim/i18n/zh.po):\n" + "\n".join(missing)


def test_the_catalogue_has_no_obsolete_entry():
    marked, _ = _marked()
    obsolete = [text for text in catalogue("zh") if text not in marked]
    assert not obsolete, f"in zh.po but no longer in the code: {obsolete}"


def test_translations_keep_their_fields():
    for msgid, msgstr in catalogue("zh").items():
        assert _fields(msgstr) <= _fields(msgid), (msgid, msgstr)
        assert msgstr.count("\n") == msgid.count("\n") or "\n" not in msgid, msgid


def test_stored_texts_are_flagged_as_templates():
    _, stored = _marked()
    assert stored == set(stored_templates("zh"))


def test_stored_english_text_reads_back_in_chinese():
    names = {"Huai'an lock": "淮安船闸"}
    text = (
        "fails: ships wait 5.2 h on average at Huai'an lock (LOCK_HUAIAN) (limit 4 h; 1.3 x "
        "the limit), in 2 of 3 replications"
    )
    with language("zh"):
        said = localise(text, names)
    assert said == (
        "不满足：船舶在淮安船闸（LOCK_HUAIAN）平均等待 5.2 小时（限值 4 小时；为限值的 1.3 倍），"
        "3 次重复运行中有 2 次"
    )
    assert localise(text, names) == text  # English: unchanged


def test_text_that_matches_no_template_stays_english():
    with language("zh"):
        assert localise("something hubsim never writes: 12 x 3") == (
            "something hubsim never writes: 12 x 3"
        )


def test_the_viewer_carries_its_words_only_in_chinese():
    assert tr("Play") == "Play"
    with language("zh"):
        words = page_words()
    assert words["Play"] == "播放" and words["sailing"] == "航行"


@given(st.integers(-(10**12), 10**12), st.integers(0, 3))
def test_chinese_numbers_are_the_locales(units, digits):
    value = units / 10**digits  # no tie to round: Python and Babel round ties differently
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    expected = format_decimal(value, pattern, locale="zh_CN")
    with language("zh"):
        assert format_number(value, digits) == expected
    # the Python format specs of the templates write zh_CN numbers too
    assert f"{value:,.{digits}f}" == expected


def test_chinese_dates():
    with language("zh"):
        assert format_date(dt.date(2028, 3, 5)) == "2028年3月5日"
        assert format_date(dt.date(2028, 3, 5)) == babel_date(
            dt.date(2028, 3, 5), "long", locale="zh_CN"
        )
    assert format_date(dt.date(2028, 3, 5)) == "2028-03-05"
