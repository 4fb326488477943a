"""site/tags.py: spellings of one concept merge; every tag gets one display name and a distinct,
safe slug, whatever the order the articles come in."""
from hypothesis import given, settings, strategies as st

from site_builder.site.tags import index_tags, tag_key, term_slug

SPELLINGS = st.lists(st.sampled_from(
    ["Việt Nam", "Vietnam", "viet-nam", "VIET NAM", "Hà Nội", "Hanoi", "ha noi", "C++", "C", "c#", "Index",
     "/", "..", "!!!", "Hanoi Convention", "hanoi-convention", "Đà Nẵng", "Danang"]) | st.text(max_size=12),
    max_size=25)


def test_spellings_of_one_place_are_one_tag():
    assert tag_key("Việt Nam") == tag_key("Vietnam") == tag_key("viet-nam") == tag_key("VIET  NAM")
    assert tag_key("Hà Nội") == tag_key("Hanoi") and tag_key("Đà Nẵng") == tag_key("Danang")
    assert tag_key("C++") != tag_key("C") and term_slug("C++") != term_slug("C")
    index = index_tags(["viet-nam", "Vietnam", "Việt Nam", "Việt Nam", "Hanoi", "Hà Nội"])
    assert index.of("viet-nam") == index.of("Vietnam") == index.of("Việt Nam")
    assert index.of("Vietnam").name == "Việt Nam"  # the most used name
    assert index.of("Hanoi").name == "Hà Nội"  # a tie: the spelling with its diacritics


@settings(max_examples=200, deadline=None)
@given(SPELLINGS, st.randoms(use_true_random=False))
def test_tags_do_not_depend_on_order_and_never_share_a_slug(spellings, rnd):
    index = index_tags(spellings)
    shuffled = list(spellings)
    rnd.shuffle(shuffled)
    assert index_tags(shuffled) == index
    refs = set(index.by_spelling.values())
    assert len({r.slug for r in refs}) == len(refs) == len({tag_key(r.name) for r in refs})
    for spelling, ref in index.by_spelling.items():
        assert tag_key(spelling) == tag_key(ref.name)
        assert ref.slug != "index" and ref.slug.replace("-", "").isalnum() and ref.slug.isascii()
    assert all(not term_slug(s) for s in index.dropped)
