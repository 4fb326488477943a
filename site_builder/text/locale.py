"""Dates and language names per language, without the OS locale (so output never varies)."""
from __future__ import annotations

import datetime as dt

EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
LANGUAGE_NAMES = {"en": "English", "vi": "Tiếng Việt", "fr": "Français", "zh": "中文",
                  "ja": "日本語", "ko": "한국어", "de": "Deutsch", "es": "Español", "ru": "Русский"}


def format_date(date: dt.date | None, lang: str = "en") -> str:
    if date is None:
        return ""
    if lang.split("-")[0] == "vi":
        return f"{date.day} tháng {date.month}, {date.year}"
    return f"{date.day} {EN_MONTHS[date.month - 1]} {date.year}"


def format_month(year: int, month: int, lang: str = "en") -> str:
    if lang.split("-")[0] == "vi":
        return f"Tháng {month}/{year}"
    return f"{EN_MONTHS[month - 1]} {year}"


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code.split("-")[0], code)
