"""Publication dates as pages write them, in English and Vietnamese.

'Thứ Hai, 27/10/2025 14:30 (GMT+7)', '27-10-2025', 'October 25, 2025', '25 Oct 2025',
'25 tháng 10 năm 2025', '2025-10-25T08:30:00+07:00' give a date; a month alone ('Tháng 10/2025',
'October 2025') or a relative date ('2 giờ trước', '3 hours ago') gives none: never a guess.
Every pattern is a fixed sequence of bounded pieces, so matching is linear in the line.
"""
from __future__ import annotations

import re

_EN_MONTHS = (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
              ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
              ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
              ("december", "dec"))
MONTHS = {name: i + 1 for i, names in enumerate(_EN_MONTHS) for name in names}
VI_MONTHS = {"một": 1, "giêng": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6,
             "bảy": 7, "tám": 8, "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12, "chạp": 12}

_MONTH_NAME = r"[A-Za-z]{3,9}"
_VI_MONTH = r"(?:\d{1,2}|mười một|mười hai|một|giêng|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười|chạp)"
_D_YMD = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_D_DMY = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")
_D_MDY = re.compile(r"\b(%s)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})\b" % _MONTH_NAME)
_D_DMY_NAME = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)? (%s)\.?,? (\d{4})\b" % _MONTH_NAME)
_D_VI = re.compile(r"\b(\d{1,2}) tháng (%s)(?:,? năm|,) (\d{4})\b" % _VI_MONTH, re.I)
_TIME = re.compile(r"\b\d{1,2}[:h]\d{2}(?::\d{2})?(?:\.\d{1,6})?\s{0,3}(?:am|pm|AM|PM|SA|CH)?\b")
_ISO_T = re.compile(r"(?<=\d)T(?=\d{2}:)")
_TZ = re.compile(r"\(?\s{0,3}(?:GMT|UTC|ICT)\s{0,3}(?:[+-]\s{0,3}\d{1,2}(?::?\d{2})?)?\s{0,3}\)?"
                 r"|(?<=\d)(?:Z|[+-]\d{2}:?\d{2})\b")
_WEEKDAYS = re.compile(
    r"\b(?:thứ (?:hai|ba|tư|năm|sáu|bảy|2|3|4|5|6|7)|chủ nhật|cn|t[2-7]|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\b\.?",
    re.I,
)
_DATE_LABELS = re.compile(
    r"\b(?:cập nhật|cập nhật lúc|updated?|published|posted|đăng|đăng lúc|ngày đăng|xuất bản|lúc|"
    r"ngày|date|last updated|modified|on|at)\b\s{0,3}:?",
    re.I,
)
RELATIVE = re.compile(
    r"\b\d{1,3}\s{0,3}(?:giây|phút|giờ|tiếng|ngày|tuần|tháng|năm)\s{1,3}trước\b"
    r"|\b\d{1,3}\s{0,3}(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)"
    r"\s{1,3}ago\b|\b(?:hôm qua|hôm nay|yesterday|today|just now|vừa xong|vừa cập nhật)\b",
    re.I,
)
MONTH_ONLY = re.compile(
    r"^(?:tháng\s{1,3}%s\s{0,3}[/,-]?\s{0,3}(?:năm\s{1,3})?\d{4}|(?:%s)\.?,?\s{1,3}\d{4}"
    r"|\d{1,2}\s{0,3}/\s{0,3}\d{4})$" % (_VI_MONTH, _MONTH_NAME),
    re.I,
)


def date_in(text: str) -> str | None:
    """First calendar date in text as YYYY-MM-DD (validated), else None."""
    cands: list[tuple[int, str]] = []
    for m in _D_YMD.finditer(text):
        cands.append((m.start(), valid_date(int(m[1]), int(m[2]), int(m[3]))))
    for m in _D_DMY.finditer(text):
        found = valid_date(int(m[3]), int(m[2]), int(m[1]))
        if not found and int(m[2]) > 12:   # '11/20/2025' is month first
            found = valid_date(int(m[3]), int(m[1]), int(m[2]))
        cands.append((m.start(), found))
    for m in _D_VI.finditer(text):
        mon = m[2].lower()
        month = int(mon) if mon.isdigit() else VI_MONTHS.get(mon, 0)
        cands.append((m.start(), valid_date(int(m[3]), month, int(m[1]))))
    for rx, mdy in ((_D_MDY, True), (_D_DMY_NAME, False)):
        for m in rx.finditer(text):
            a, b, y = m.groups()
            mon = MONTHS.get((a if mdy else b).lower())
            if mon:
                cands.append((m.start(), valid_date(int(y), mon, int(b if mdy else a))))
    cands = [c for c in cands if c[1]]
    return min(cands)[1] if cands else None


def valid_date(y: int, m: int, d: int) -> str:
    """'YYYY-MM-DD' for a plausible calendar date, else ''."""
    days = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    if 1900 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= days[m - 1]:
        return f"{y:04d}-{m:02d}-{d:02d}"
    return ""


def strip_dates(text: str) -> str:
    """Text with dates, times, time zones, weekdays and date labels removed."""
    text = _ISO_T.sub(" ", text)
    for rx in (_D_VI, _D_YMD, _D_DMY, _D_MDY, _D_DMY_NAME, _TIME, _TZ, _WEEKDAYS, _DATE_LABELS):
        text = rx.sub(" ", text)
    return re.sub(r"\s+", " ", text.strip(" \t|,-–—:()")).strip(" |,-–—:")


def is_undated_marker(text: str) -> bool:
    """A line that only says when vaguely: a month alone or a relative time, with labels."""
    t = text.strip()
    if len(t) > 60:
        return False
    rest = _DATE_LABELS.sub(" ", _WEEKDAYS.sub(" ", t)).strip(" |,-–—:()·•")
    rest = re.sub(r"\s+", " ", rest)
    return bool(MONTH_ONLY.match(rest) or RELATIVE.fullmatch(rest))
