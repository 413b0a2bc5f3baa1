"""Predicate cues as people write them: the tkg:cue values of the schema, where a word ending in
* stands for any word that starts with it ("block*", "switch* on")."""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["cue_pattern"]


@lru_cache(maxsize=256)
def cue_pattern(cues: tuple[str, ...]) -> re.Pattern[str]:
    """One expression that finds any of the cues, as whole words, in any case, curly or straight
    apostrophes alike.

    >>> pattern = cue_pattern(("switch* on", "block*"))
    >>> [m.group() for m in pattern.finditer("It switches on; blocked")]
    ['switches on', 'blocked']
    """
    parts = []
    for cue in cues:
        words = []
        for word in cue.split():
            stem = re.escape(word.rstrip("*")).replace("'", "['\u2019]")
            words.append(stem + (r"\w*" if word.endswith("*") else r"\b"))
        parts.append(r"\s+".join(words))
    return re.compile(r"\b(?:" + "|".join(sorted(parts, key=len, reverse=True)) + ")", re.I)
