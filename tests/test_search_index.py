"""Search index: tokenising and folding, compact encodings, shard layout, impacts, related."""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

from hypothesis import given, settings, strategies as st

from site_builder.search import codec
from site_builder.search import files as sfiles
from site_builder.search import index as si
from site_builder.search import layout
from site_builder.search import partial
from site_builder.search import scoring
from site_builder.search import tokens as stok
from site_builder.content.article import Article
from site_builder.search.related import related_slugs
from site_builder.text.locale import language_name

REGISTER = re.compile(r'^window\.__sbSearch\.register\("([^"]+)",(.*)\);\n$', re.S)


def load(files: dict[str, bytes], name: str):
    m = REGISTER.match(files[name + ".js"].decode("utf-8"))
    assert m and m[1] == name, name
    return json.loads(m[2])


def doc(title, text, date="2025-01-01", lang="en", source="VNA", tags=()):
    return sfiles.SearchDoc(url=f"articles/{stok.words(title)[0] if stok.words(title) else 'x'}.html",
                        title=title, text=text, date=date, lang=lang, source=source, tags=tuple(tags))


# --- tokenising and folding ------------------------------------------------------------------

def test_words_fold_vietnamese_and_case():
    assert stok.words("Tội phạm MẠNG") == ["toi", "pham", "mang"]
    assert stok.words("Đại sứ Đà Nẵng") == ["dai", "su", "da", "nang"]
    assert stok.normalize_word("Tội") == ("tội", "toi")
    assert stok.normalize_word("ĐƯỜNG") == ("đường", "duong")
    assert stok.normalize_word("Straße") == ("strasse", "strasse")


def test_decomposed_input_folds_like_precomposed():
    nfd = unicodedata.normalize("NFD", "tội phạm mạng")
    assert stok.tokens(nfd) == stok.tokens("tội phạm mạng")
    assert [t[0] for t in stok.tokens(nfd)] == ["tội", "phạm", "mạng"]


def test_punctuation_splits_and_sentence_breaks_stop_pairs():
    toks = stok.tokens("UN-backed convention. Tội phạm; mạng, e-mail_x")
    assert [t[1] if t else None for t in toks] == [
        "un", "back", "convention", None, "toi", "pham", None, "mang", "e", "mail", "x"]
    assert stok.bigrams(toks) == ["un back", "back convention", "toi pham", "mang e", "e mail", "mail x"]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_tokenizer_never_raises_and_yields_word_tokens(text):
    toks = stok.tokens(text)
    for t in toks:
        if t is not None:
            exact, folded = t
            assert exact and folded and folded.isalnum()
            assert folded == stok.normalize_word(folded)[1]  # folding is idempotent
    stok.bigrams(toks)
    stok.words(text)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text())
def test_analysed_pairs_are_the_bigrams_of_title_and_body(title, text):
    """analyse() builds and filters pairs in C; they must be bigrams() of the token stream."""
    expected = set(stok.bigrams(stok.tokens(title))) | set(stok.bigrams(stok.tokens(text)))
    assert stok.analyse(title, text).pairs == expected


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáạảãầấậẩẫằắặẳẵèéẹẻẽềếệểễìíịỉĩòóọỏõồốộổỗờớợởỡùúụủũừứựửữỳýỵỷỹ"
                        "AĂÂĐÊÔƠƯ ", max_size=40))
def test_vietnamese_folds_to_plain_ascii(text):
    assert all(w.isascii() for w in stok.words(text))


# --- encodings ------------------------------------------------------------------------------

@given(st.sets(st.integers(min_value=0, max_value=4999)))
def test_id_encoding_round_trips_and_is_compact(ids):
    ids = sorted(ids)
    enc = codec.encode_ids(ids)
    assert codec.decode_ids(enc) == ids
    assert set(enc) <= set(codec.ALPHABET)
    assert len(enc) <= 2 + (5000 + 5) // 6


def _reference_encode_ids(ids: list[int]) -> str:
    """encode_ids as docs/search.md states it, one id at a time."""
    if not ids:
        return "g"
    gaps = "g" + "".join(codec._varint(i - prev - 1) for prev, i in zip([-1] + ids, ids))
    bits = [0] * (ids[-1] // 6 + 1)
    for i in ids:
        bits[i // 6] |= 1 << (i % 6)
    bitmap = "b" + "".join(codec.ALPHABET[b] for b in bits)
    # gaps only when they can be shorter (each id takes a character at least), and are no longer
    return gaps if len(ids) + 1 < len(bitmap) and len(gaps) <= len(bitmap) else bitmap


@given(st.one_of(st.sets(st.integers(0, 200)), st.sets(st.integers(0, 20000), max_size=50),
                 st.sets(st.integers(16000, 17000)), st.sets(st.integers(65000, 66000), min_size=200)))
def test_id_encoding_matches_the_documented_one(ids):
    ids = sorted(ids)
    assert codec.encode_ids(ids) == _reference_encode_ids(ids)


def test_the_varint_table_is_varint_of_each_gap():
    assert codec._small_varints() == [codec._varint(i) for i in range(1 << 14)]


def test_dense_sets_become_bitmaps_sparse_ones_gaps():
    assert codec.encode_ids(range(0, 600, 2))[0] == "b"
    assert codec.encode_ids([3, 70000])[0] == "g"


def test_fnv1a_matches_reference_values():
    assert codec.fnv1a("") == 0x811C9DC5
    assert codec.fnv1a("a") == 0xE40C292C
    assert codec.fnv1a("foobar") == 0xBF9CF968


def one_edit_variants(word: str, alphabet="abcdeo"):
    for i in range(len(word) + 1):
        for c in alphabet:
            yield word[:i] + c + word[i:]                       # insertion
    for i in range(len(word)):
        yield word[:i] + word[i + 1:]                           # deletion
        for c in alphabet:
            yield word[:i] + c + word[i + 1:]                   # substitution
    for i in range(len(word) - 1):
        yield word[:i] + word[i + 1] + word[i] + word[i + 2:]   # transposition


@given(st.text(alphabet="abcdefgh", min_size=4, max_size=9))
def test_every_one_edit_typo_of_5_letters_finds_its_typo_chunk(term):
    """search-core.js loads the chunks q[:2], q[1:3], q[0]+q[2] for a query word q of 5+ letters."""
    for q in one_edit_variants(term):
        if len(q) >= 5:
            assert layout.typo_keys(term) & {q[:2], q[1:3], q[0] + q[2]}, (term, q)


# --- the index --------------------------------------------------------------------------------

CORPUS = [
    doc("Tội phạm mạng gia tăng", "Cảnh báo về tội phạm mạng và lừa đảo trực tuyến.", "2025-03-01", "vi",
        "TTXVN", ["an ninh"]),
    doc("Tôi đi chợ", "Tôi mua rau. Phạm vi chợ rộng, mạng lưới lớn.", "2025-02-01", "vi", "VTV", ["đời sống"]),
    doc("UK envoy praises cybercrime convention", "The ambassador spoke about cybercrime and diplomacy.",
        "2024-12-01", "en", "VNA", ["cybercrime", "diplomacy"]),
    doc("Markets", "Cybercrime is mentioned once in a long text about markets and trade and prices.",
        "2024-11-01", "en", "VNS", ["economy"]),
    doc("Undated <img src=x onerror=alert(1)>", "<script>alert(1)</script> text", "", "en", "", []),
]


def test_build_index_layout_and_registration_names():
    files = si.build_index(CORPUS)
    assert list(files) == sorted(files)
    for name, data in files.items():
        m = REGISTER.match(data.decode("utf-8"))
        assert m and m[1] + ".js" == name, name
        json.loads(m[2])
    manifest = load(files, "manifest")
    assert manifest["docs"] == 5 and manifest["version"] == sfiles.FORMAT_VERSION
    # five documents, two to a fragment file: ids 0-1 in f/0, 2-3 in f/1, id 4 in f/2
    assert {n for n in files if n.startswith("f/")} == {"f/0.js", "f/1.js", "f/2.js"}
    assert manifest["fragments"] == layout.FRAGMENT_GROUP == 2
    assert [f["u"] for f in sfiles.read_fragments(files["f/1.js"])] == [d.url for d in CORPUS[2:4]]
    assert set(manifest["vocab"].split()) == {n[2:-3] for n in files if n.startswith("v/")}
    assert set(manifest["typo"].split()) == {n[2:-3] for n in files if n.startswith("x/")}


def lookup(files, term):
    chunk = load(files, "v/" + layout.file_key(layout.chunk_key(term)))
    terms = chunk["t"].split(" ")
    i = terms.index(term)
    entry = load(files, f"p/{chunk['P'][chunk['p'][i]]}")[term]
    return chunk["d"][i], chunk["f"].get(term), codec.decode_ids(entry[0]), [codec.ALPHABET.index(c) for c in entry[1]]


def id_set(files, key):
    bits = load(files, "manifest")["setBits"]
    h = codec.fnv1a(key) & ((1 << bits) - 1)
    shard = load(files, f"s/{h:x}")
    return codec.decode_ids(shard[key]) if key in shard else None


def test_postings_forms_pairs_and_impacts():
    files = si.build_index(CORPUS)
    df, form, ids, impacts = lookup(files, "toi")
    assert ids == [0, 1] and df == 2 and form == 1          # tội and tôi: several forms
    assert id_set(files, "=tội") == [0] and id_set(files, "=tôi") == [1]
    assert lookup(files, "cybercrime")[1] is None           # only ever written plainly
    assert lookup(files, "lua")[1] == "lừa"                 # only ever written one way
    assert id_set(files, "toi pham") == [0]                 # the phrase: not doc 1's "Tôi mua. Phạm"
    assert id_set(files, "pham mang") == [0]
    _, _, ids, impacts = lookup(files, "cybercrime")
    assert ids == [2, 3]
    in_title = [bool(v & 32) for v in impacts]
    assert in_title == [True, False]
    assert bm25_share(impacts[0]) > bm25_share(impacts[1])  # title + body beats one body mention


def bm25_share(v: int) -> float:
    """An impact's BM25 part as a share of k1 + 1, read back as the page does (docs/search.md)."""
    x = 1 - (1 - (v & 31) / scoring.IMPACT_LEVELS) ** (1 / scoring.IMPACT_CURVE)
    return scoring.TITLE_FLOOR + (1 - scoring.TITLE_FLOOR) * x if v & 32 else x


def test_title_matches_are_spaced_on_their_own_levels():
    """x of a title match is never far below 1; its levels start at TITLE_FLOOR, so two title
    matches a little apart in BM25 land on different levels and read back in order."""
    avgdl = 100
    short, long_ = (scoring.impact_char(2 * 7 + 1, n, avgdl) for n in (60, 140))
    a, b = codec.ALPHABET.index(short), codec.ALPHABET.index(long_)
    assert a & 32 and b & 32 and (a & 31) - (b & 31) >= 3
    assert bm25_share(a) > bm25_share(b) > scoring.TITLE_FLOOR
    assert bm25_share(scoring.ALPHABET.index(scoring.impact_char(2 * 7, 140, avgdl))) < bm25_share(b)


def test_facets_and_years():
    files = si.build_index(CORPUS)
    facets = load(files, "facets")
    langs = {v[0]: (codec.decode_ids(v[1]), v[2]) for v in facets["fields"]["lang"]}
    assert langs["vi"] == ([0, 1], "Tiếng Việt") and langs["en"][0] == [2, 3, 4]
    tags = {v[0]: codec.decode_ids(v[1]) for v in facets["fields"]["tag"]}
    assert tags["cybercrime"] == [2] and tags["an ninh"] == [0]
    assert facets["years"] == [["2025", 0, 2], ["2024", 2, 4]]


def test_fragment_keeps_hostile_text_as_plain_data():
    files = si.build_index(CORPUS)
    (frag,) = sfiles.read_fragments(files["f/2.js"])
    assert frag["t"] == "Undated <img src=x onerror=alert(1)>" and frag["x"].startswith("<script>")


def test_fragments_are_deflated_json():
    files = si.build_index(CORPUS)
    packed = load(files, "f/0")
    assert re.fullmatch(r"[A-Za-z0-9+/]+=*", packed)
    frags = sfiles.read_fragments(files["f/0.js"])
    assert frags == [sfiles.fragment(d) for d in CORPUS[:2]]
    assert codec.unpack_text(codec.pack_text(frags)) == frags


def test_manifest_names_the_languages_so_results_need_no_facets():
    files = si.build_index(CORPUS)
    assert load(files, "manifest")["languages"] == {d.lang: language_name(d.lang) for d in CORPUS}


def test_index_is_deterministic():
    a, b = si.build_index(CORPUS), si.build_index(list(CORPUS))
    assert a == b


def test_long_text_is_cut_between_words():
    text = "word " * 2000
    cut = sfiles.snippet_text(text)
    assert len(cut) <= sfiles.TEXT_LIMIT + 2 and cut.endswith(" …") and "wor …" not in cut


def test_non_ascii_chunk_keys_are_safe_file_names():
    files = si.build_index([doc("Ελληνικά κείμενα", "Ελληνικά")])
    assert any(n.startswith("v/_") for n in files)
    assert all(re.fullmatch(r"[a-z0-9_/.]+", n) for n in files), list(files)


# --- related briefings ------------------------------------------------------------------------

def art(slug, title, body, lang="en", translations=(), day=1):
    return Article(slug=slug, title=title, body=body, source_path=Path(f"{slug}.md"),
                   date=dt.date(2025, 1, day), lang=lang, translations=tuple(translations))


def test_related_puts_translation_first_then_shared_words():
    arts = [
        art("a", "Cybercrime convention signed in Hanoi", "Cybercrime convention Hanoi signing ceremony.",
            translations=["a-vi"], day=9),
        art("a-vi", "Ký công ước về tội phạm mạng", "Lễ ký công ước Hà Nội.", "vi", ["a"], day=8),
        art("b", "Hanoi convention on cybercrime", "More on the cybercrime convention and Hanoi.", day=7),
        art("c", "Rice prices rise", "Rice exports and prices in the delta.", day=6),
        art("d", "Rice harvest", "Harvest of rice in the delta.", day=5),
        art("e", "Weather", "Sunny.", day=4),
    ]
    texts = {a.slug: a.body for a in arts}
    rel = related_slugs(arts, texts, limit=2)
    assert rel["a"] == ("a-vi", "b")
    assert rel["c"][0] == "d" and "a" not in rel["c"]
    assert rel == related_slugs(arts, texts, limit=2)       # stable
    assert "e" not in rel["e"]


@given(st.lists(st.integers(0, 5), max_size=4))
def test_index_does_not_depend_on_where_the_markdown_workers_cut_the_archive(cuts):
    """Workers each return the partial index of their run of documents, packed; any cuts merge
    to the index built in one piece, and merging leaves the partials as they were (they are reused)."""
    import copy
    docs = list(CORPUS)
    bounds = sorted({0, len(docs), *cuts})
    parts = [partial.pack_partial(partial.partial_index(lo, [stok.analyse(d.title, d.text) for d in docs[lo:hi]]))
             for lo, hi in zip(bounds, bounds[1:])]
    before = copy.deepcopy(parts)
    assert si.index_documents(docs, parts).files == si.build_index(docs)
    assert parts == before
    whole = partial.partial_index(0, [stok.analyse(d.title, d.text) for d in docs])
    assert partial.merge_partials(parts) == whole  # packing and merging lose nothing


# --- fields and joined names ------------------------------------------------------------------

def test_a_word_only_in_a_caption_or_summary_is_indexed_as_the_lead():
    plain = stok.analyse("Orchard fair", "A fair of orchards.")
    led = stok.analyse("Orchard fair", "A fair of orchards.", "Photo: Quorvath Lindqvist")
    assert "quorvath" not in plain.tf2
    # a lead word counts twice, like a body word twice, never in the title
    assert led.tf2["quorvath"] == 2 * 2 and led.tf2["fair"] == plain.tf2["fair"]
    assert led.length == plain.length + 2 * 3
    assert "quorvath lindqvist" in led.pairs and "quorvath" in set(led.forms.values())


def test_capitalised_syllables_are_also_indexed_joined():
    a = stok.analyse("Bão đổ bộ Hà Nội", "Người dân Việt Nam. Đà Nẵng mưa.")
    assert a.tf2["hanoi"] & 1                      # in the title, like its syllables
    assert {"vietnam", "danang"} <= a.tf2.keys()
    # lower-case neighbours, a sentence break between, long words: not a name's syllables
    b = stok.analyse("Tin", "ha noi. Việt. Nam. Hanoi Convention")
    assert "vietnam" not in b.tf2 and "hanoiconvention" not in b.tf2
    assert b.tf2["hanoi"] == 2                     # the English word once, not joined from "ha noi"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="aăbcdđeêhnoôgHNĐVÀỘ .\n", max_size=60))
def test_joined_terms_are_two_adjacent_words_of_the_text(text):
    words = stok.words(text)
    joined = stok.analyse("", text).tf2.keys() - set(words)
    pairs = {a + b for a, b in zip(words, words[1:])}
    assert joined <= pairs
