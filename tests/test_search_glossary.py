"""English stemming and the search glossary (concepts across spellings and languages)."""
from __future__ import annotations

import re

import pytest

from conftest import REPO
from site_builder.search import glossary as sg
from site_builder.search import tokens as stok
from site_builder.search.codec import read_js
from site_builder.search.files import vocab_file, vocab_records
from site_builder.search.layout import is_typo_term
from site_builder.search.related import idf
from site_builder.search.stem import stem
from site_builder.text.sentences import _VI_LETTERS


@pytest.mark.parametrize("word, expected", [
    ("floods", "flood"), ("flooded", "flood"), ("flooding", "flood"), ("cities", "city"),
    ("evacuates", "evacuate"), ("evacuated", "evacuate"), ("evacuating", "evacuate"),
    ("hoping", "hope"), ("stopped", "stop"), ("agreed", "agree"), ("classes", "class"),
    ("watches", "watch"), ("ratings", "rate"), ("hills", "hill"),
    # not plurals, too short, not English-shaped: kept
    ("news", "news"), ("this", "this"), ("analysis", "analysis"), ("bus", "bus"), ("has", "has"),
    ("need", "need"), ("sing", "sing"), ("evacuation", "evacuation"), ("thuy", "thuy"), ("hay", "hay"),
    ("hanoi", "hanoi"), ("nguyen", "nguyen"), ("covid19", "covid19"), ("Floods", "Floods"),
])
def test_the_stemmer_joins_english_word_forms_and_leaves_the_rest(word, expected):
    assert stem(word) == expected


def test_words_are_stemmed_when_they_have_no_accents_only():
    assert stok.normalize_word("Floods") == ("flood", "flood")
    assert stok.normalize_word("Tội") == ("tội", "toi")
    assert stok.words("Evacuated cities, flooding.") == ["evacuate", "city", "flood"]


GLOSSARY = sg.parse("""
# a comment
= ho chi minh city | hcmc | tp hcm | sài gòn
typhoon | storm | bão
air pollution | ô nhiễm không khí
""")


def exact(text: str) -> list[str]:
    return [t[0] for t in stok.tokens(text) if t is not None]


def test_expressions_are_counted_by_spelling_longest_first_across_sentence_punctuation():
    found = sg.concepts(exact("Bão số 3 đổ bộ TP.HCM; báo chí đưa tin cơn bão. Storms and typhoons."), GLOSSARY)
    # "báo" (newspaper) is not "bão"; TP.HCM is tp, break, hcm; plurals are stemmed
    assert found == {"_typhoon": 4, "_hochiminhcity": 1}
    assert sg.concepts(exact("ô nhiễm không khí và air pollution"), GLOSSARY) == {"_airpollution": 2}
    assert sg.concepts(exact("nothing here"), GLOSSARY) == {}


def test_chunks_list_expressions_under_their_first_word_with_the_spellings_that_match():
    chunks = GLOSSARY.chunks
    assert chunks["ho"]["ho chi minh city"] == ["_hochiminhcity"]
    assert chunks["sa"]["sai gon"] == ["_hochiminhcity", "sài gòn"]
    assert chunks["ba"]["bao"] == ["_typhoon", "bão"]
    assert chunks["o"]["o nhiem khong khi"] == ["_airpollution", "ô nhiễm không khí"]


def test_a_line_marked_as_names_is_listed_in_the_chunks_of_its_expressions():
    assert GLOSSARY.names == {"_hochiminhcity"}
    assert sg.chunk_names("sa", GLOSSARY) == ["_hochiminhcity"]     # sài gòn
    assert sg.chunk_names("tp", GLOSSARY) == ["_hochiminhcity"]     # tp hcm
    assert sg.chunk_names("ba", GLOSSARY) == []                     # bão: a synonym, not a name
    assert "_hochiminhcity" in sg.glossary().names and "_typhoon" not in sg.glossary().names


def test_an_expression_on_two_lines_is_refused():
    with pytest.raises(ValueError):
        sg.parse("storm | bão\ntyphoon | bão")
    with pytest.raises(ValueError):
        sg.parse("newspaper | báo\ntyphoon | bão")     # one folded spelling, two concepts


def test_the_project_glossary_parses_and_concepts_are_indexed_like_words_of_their_field():
    assert sg.glossary().chunks
    plain = stok.analyse("Flooding in the city", "Water rose.")
    led = stok.analyse("Triều cường ở TP.HCM", "Nước dâng. Saigon residents waded.", "Ngập sâu")
    assert not any(sg.is_concept(t) for t in plain.tf2 if t != "_flood")
    assert plain.tf2["_flood"] == 2 * 5 + 1                  # a title word: ×5, in the title
    assert led.tf2["_hochiminhcity"] == 2 * (5 + 1) + 1       # title (TP.HCM) and body (Saigon)
    assert led.tf2["_hightide"] == 2 * 5 + 1 and led.tf2["_flood"] == 2 * 2   # lead ×2
    # concepts add nothing to the length, are no typo candidates and no related-briefing words
    assert led.length == stok.analyse("Triều cường ở TP.HCM", "Nước dâng. Saigon residents waded.",
                                      "Ngập sâu").length
    assert not is_typo_term("_hochiminhcity") and idf("_flood", 5, 100) is None


def test_vocabulary_chunks_carry_the_glossary_of_their_key():
    data = vocab_file("sa", {"sample": (3, "sa", None)})
    assert b'"c":' in data and "sai gon" in data.decode()
    assert vocab_records(data) == {"sample": (3, "sa", None)}
    assert vocab_records(vocab_file("sa", {})) == {}


def test_a_concepts_chunk_carries_the_exact_words_of_its_expressions_for_marking():
    assert GLOSSARY.spelled["_h"]["_hochiminhcity"] == ["ho chi minh city", "hcmc", "tp hcm", "sài gòn"]
    assert GLOSSARY.spelled["_t"]["_typhoon"] == ["typhoon", "storm", "bão"]
    data = read_js(vocab_file("_h", {"_hochiminhcity": (3, "_h", None)}))
    assert "saigon" in data["e"]["_hochiminhcity"] and "tp hcm" in data["e"]["_hochiminhcity"]
    # only for the concepts the index has: a chunk's `e` follows its terms
    assert "e" not in read_js(vocab_file("_h", {"_hospital": (3, "_h", None)})) or \
        "_hochiminhcity" not in read_js(vocab_file("_h", {"_hospital": (3, "_h", None)}))["e"]


def test_the_core_knows_the_same_vietnamese_letters_as_the_language_guess():
    core = (REPO / "themes" / "default" / "static" / "search-text.js").read_text(encoding="utf-8")
    letters = re.search(r'var VI_LETTERS = "([^"]+)"', core).group(1)
    assert set(letters) == set(_VI_LETTERS)
