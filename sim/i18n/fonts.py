"""A font with Chinese glyphs for the charts.

Matplotlib's own font (DejaVu Sans) has no Chinese glyphs: a Chinese label would be drawn as
empty boxes. The font comes with hubsim from PyPI: ``pylopdf-fonts-zh-cn`` ships Noto Sans SC
(Google's Noto Sans CJK, the Simplified Chinese subset, SIL Open Font License 1.1). Failing
that, a CJK font installed on the system is used (Debian: ``apt-get install fonts-noto-cjk``);
with none, the charts are drawn all the same and :class:`CJKFontWarning` says why the Chinese
text shows as boxes.
"""

from __future__ import annotations

import contextlib
import functools
import warnings
from collections.abc import Iterator
from pathlib import Path

from sim.i18n.language import current_language

__all__ = ["SYSTEM_CJK_FAMILIES", "CJKFontWarning", "chart_fonts", "cjk_font"]

#: Families looked for among the system's fonts when the PyPI font is missing, best first.
SYSTEM_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "Noto Sans CJK JP",
)


class CJKFontWarning(UserWarning):
    """No font with Chinese glyphs was found: Chinese chart text is drawn as boxes."""


def _packaged_font() -> Path | None:
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    return path if path.is_file() else None


@functools.cache
def cjk_font() -> str | None:
    """The family name of a font with Chinese glyphs, made known to matplotlib; ``None``
    when there is none (the packaged Noto Sans SC first, then :data:`SYSTEM_CJK_FAMILIES`)."""
    from matplotlib import font_manager

    path = _packaged_font()
    if path is not None:
        font_manager.fontManager.addfont(str(path))
        return str(font_manager.FontProperties(fname=str(path)).get_name())
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((family for family in SYSTEM_CJK_FAMILIES if family in installed), None)


@contextlib.contextmanager
def chart_fonts(lang: str | None = None) -> Iterator[str | None]:
    """Draw charts in the fonts of ``lang`` (default: the current language) inside the block.

    English changes nothing. Chinese draws in the CJK font, with DejaVu Sans (matplotlib's own)
    for any glyph it lacks (CO₂'s subscript); without one, warns with
    :class:`CJKFontWarning` and changes nothing.

    Yields
    ------
    str or None
        The CJK family used, if any.
    """
    lang = lang or current_language()
    if lang == "en":
        yield None
        return
    family = cjk_font()
    if family is None:
        warnings.warn(
            "no font with Chinese glyphs found: Chinese chart text will show as boxes; "
            "reinstall hubsim (it depends on pylopdf-fonts-zh-cn, Noto Sans SC) or install a "
            "system CJK font (Debian: apt-get install fonts-noto-cjk)",
            CJKFontWarning,
            stacklevel=3,
        )
        yield None
        return
    import matplotlib

    with matplotlib.rc_context(
        # named families, not "sans-serif": matplotlib falls back glyph by glyph only along
        # a list of families (a generic family resolves to one font)
        {"font.family": [family, "DejaVu Sans"]}
    ):
        yield family
