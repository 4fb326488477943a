"""Overlays: a mapping seen as another with a few keys changed, and what two of them over the
same records say moved (a dev server's related lists, edit after edit)."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from site_builder.build.incremental import related_moved
from site_builder.overlay import Overlay

KEYS = st.sampled_from([f"s{i}" for i in range(12)])
LISTS = st.lists(st.sampled_from(["a", "b", "c"]), max_size=2).map(tuple)
CHANGES = st.dictionaries(KEYS, LISTS, max_size=6)


@given(st.dictionaries(KEYS, LISTS), CHANGES, st.sets(KEYS), CHANGES, st.sets(KEYS), CHANGES, st.sets(KEYS))
def test_what_moved_between_two_overlays_of_the_same_records_is_what_a_full_comparison_finds(
        base, first, first_gone, second, second_gone, third, third_gone):
    old = Overlay(Overlay(base, first, first_gone), second, second_gone)
    new = Overlay(old, third, third_gone)
    assert old.base is base and new.base is base  # flattened: one layer over the records
    plain_old, plain_new = dict(old.items()), dict(new.items())
    expected = {k for k in plain_old.keys() | plain_new.keys() if plain_new.get(k, ()) != plain_old.get(k, ())}
    assert related_moved(new, old) == expected
    assert related_moved(new, plain_old) == expected  # and against a plain mapping
