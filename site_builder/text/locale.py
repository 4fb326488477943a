"""Dates, numbers, plural categories and language names per language, without the OS locale
(so output never varies). Languages not known here get the English forms."""
from __future__ import annotations

import datetime as dt

EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
LANGUAGE_NAMES = {"en": "English", "vi": "Tiếng Việt", "fr": "Français", "zh": "中文",
                  "ja": "日本語", "ko": "한국어", "de": "Deutsch", "es": "Español", "ru": "Русский"}
# Thousands separator per language (CLDR): Vietnamese, German, Spanish group with a dot.
_GROUP_SEPARATORS = {"vi": ".", "de": ".", "es": ".", "fr": "\u202f", "ru": "\u00a0"}
# CLDR plural categories for integers: these languages have one form; English-like ones two.
_NO_PLURAL = {"vi", "zh", "ja", "ko", "th", "id", "ms"}


def base_lang(lang: str) -> str:
    """'vi-VN' → 'vi'."""
    return (lang or "en").split("-")[0].lower()


def format_date(date: dt.date | None, lang: str = "en") -> str:
    if date is None:
        return ""
    if base_lang(lang) == "vi":
        return f"{date.day} tháng {date.month}, {date.year}"
    return f"{date.day} {EN_MONTHS[date.month - 1]} {date.year}"


def format_month(year: int, month: int, lang: str = "en") -> str:
    if base_lang(lang) == "vi":
        return f"Tháng {month}/{year}"
    return f"{EN_MONTHS[month - 1]} {year}"


def format_number(n: int, lang: str = "en") -> str:
    """1234567 → '1,234,567' (en) or '1.234.567' (vi)."""
    grouped = f"{n:,}"
    return grouped.replace(",", _GROUP_SEPARATORS.get(base_lang(lang), ","))


def plural_category(n: int, lang: str = "en") -> str:
    """CLDR category of a whole number: 'one' or 'other' (Vietnamese has only 'other')."""
    code = base_lang(lang)
    if code in _NO_PLURAL:
        return "other"
    if code == "fr":
        return "one" if n in (0, 1) else "other"
    return "one" if n == 1 else "other"


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(base_lang(code), code)
