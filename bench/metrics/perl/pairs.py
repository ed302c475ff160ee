"""A seeded corpus of varied (prediction, references) pairs, for the golden tests of the perl port and
for ``scripts/bench_perl_engine.py``.

The pairs are made to exercise what ROUGE-1.5.5 is subtle about: irregular plurals and verbs (WordNet
exceptions, Porter), hyphens, numbers, punctuation, non-ASCII, several sentences, 2-4 references for
~40% of them, and empty or whitespace-only edge cases. Each sentence is one string; see :data:`Pair`.
"""

from __future__ import annotations

import random

from bench.metrics.perl.script import Pair

__all__ = ["varied_pairs"]

_FAMILIES = [  # inflections the WordNet exception list or Porter must bring together (or not)
    "child children",
    "goose geese",
    "mouse mice",
    "man men",
    "woman women",
    "foot feet",
    "tooth teeth",
    "wolf wolves",
    "leaf leaves",
    "knife knives",
    "life lives",
    "criterion criteria",
    "analysis analyses",
    "crisis crises",
    "datum data",
    "run runs ran running",
    "go goes went gone going",
    "take takes took taken taking",
    "see sees saw seen",
    "buy buys bought",
    "fight fought fighting",
    "catch caught catches",
    "think thought thinks",
    "say says said",
    "tell told tells",
    "good better best",
    "well better best",
    "bad worse worst",
    "be is was were been being",
    "fly flies flew flown",
    "pony ponies",
    "caress caresses",
    "agree agreed agreement agreements",
    "govern government governments governmental",
    "relate relational relation relations",
    "general generalization generalize",
    "hope hopeful hoping hoped",
    "happy happiness happily",
    "adjust adjustment adjustments",
    "approve approved approves approval",
    "announce announced announcement",
    "yell yelling yelled",
    "year yearly years",
    "yield yields yielded",
    "council councils",
    "bridge bridges",
    "storm storms stormy",
    "school schools",
    "elect election elections elected",
    "minister ministers ministerial",
    "economy economic economies economist",
    "price prices priced pricing",
    "rise rises rose risen rising",
    "fall falls fell fallen falling",
    "celebrate celebrated celebration",
    "player players play played playing",
    "nation national nationally international",
    "offer offered offers",
    "test testes tests tested",
    "axe axes axis",
    "die dies died dying",
    "lie lies lay lain lying",
]
_PLAIN = (
    "river road city police court market bank club team cup final match fans street report "
    "plan deal vote tax rate health hospital doctor patient study data energy oil gas power "
    "firm company shares profit chief leader party campaign border troops peace talks"
).split()
_STOP = "the a an of to in on and or is was for with by at from that this it its as be has had not".split()
_ODD = [
    "U.S.-led",
    "well-known",
    "long-term",
    "co-operate",
    "e-mail",
    '"quoted"',
    "'single'",
    "(parens)",
    "[brackets]",
    "Mr.",
    "Dr.",
    "don't",
    "it's",
    "O'Neill",
    "--",
    "\u2014",
    "\u2026",
    "caf\u00e9",
    "na\u00efve",
    "\u201csmart\u201d",
    "\u2018quote\u2019",
    "#tag",
    "@user",
    "a/b",
    "x&y",
    "&amp;",
    "2004",
    "1,500",
    "3.5%",
    "$2bn",
    "1990s",
    "24-hour",
    "10",
    "100",
    "2nd",
    "\u00a35m",
    "0.5",
    "-",
    "self-",
    "-based",
    "Z\u00fcrich",
    "\u00c9cole",
    "YES!",
    "?!",
    "...",
    ";",
    ":",
    "A-1",
]


def _word(rng: random.Random, families: list[list[str]]) -> str:
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(rng.choice(families))
    if roll < 0.6:
        return rng.choice(_PLAIN)
    if roll < 0.85:
        return rng.choice(_STOP)
    return rng.choice(_ODD)


def _case(rng: random.Random, word: str) -> str:
    roll = rng.random()
    return word.upper() if roll < 0.05 else word.capitalize() if roll < 0.25 else word


def _sentence(rng: random.Random, families: list[list[str]], low: int = 3, high: int = 22) -> str:
    words = [_case(rng, _word(rng, families)) for _ in range(rng.randint(low, high))]
    text = " ".join(words)
    return text + rng.choice([".", ".", "!", "?", "", " ."])


def _perturb(rng: random.Random, sentences: list[str], families: list[list[str]]) -> list[str]:
    """A prediction near a reference: re-inflected, dropped, added and shuffled words, re-split."""
    lookup = {w.lower(): f for f in families for w in f}
    words = " ".join(sentences).split()
    out = []
    for word in words:
        roll = rng.random()
        if roll < 0.15:
            continue
        if roll < 0.35 and word.lower().strip(".!?") in lookup:
            word = rng.choice(lookup[word.lower().strip(".!?")])
        out.append(word)
        if rng.random() < 0.1:
            out.append(_word(rng, families))
    if out and rng.random() < 0.3:
        cut = rng.randrange(len(out))
        out = out[cut:] + out[:cut]
    splits = sorted(rng.sample(range(1, len(out)), min(len(out) - 1, rng.randint(0, 2)))) if len(out) > 1 else []
    pieces, start = [], 0
    for stop in [*splits, len(out)]:
        pieces.append(" ".join(out[start:stop]))
        start = stop
    return pieces


_EDGE_PREDICTIONS = [
    [],
    [""],
    ["   "],
    ["!!! ... ?"],
    ["\tLeading tab and  double  spaces"],
    ["the the the the"],
    ["One"],
    ["carriage\rreturn inside"],
    ["well-known U.S.-led co-operation --- done"],
    ["Children ran; geese went.", "", "Mice saw better days."],
]


def varied_pairs(n: int = 1200, seed: int = 20041) -> list[Pair]:
    """``n`` deterministic, varied (prediction, references) pairs: ~40% with 2-4 references."""
    rng = random.Random(seed)
    families = [f.split() for f in _FAMILIES]
    pairs: list[Pair] = []
    for index in range(n):
        n_refs = 1 if rng.random() < 0.6 else rng.randint(2, 4)
        refs = [[_sentence(rng, families) for _ in range(rng.randint(1, 4))] for _ in range(n_refs)]
        if rng.random() < 0.05:
            refs[rng.randrange(n_refs)] = rng.choice([[], ["Only"], ["   "], ["-- ..."]])
        if index % 40 == 7:
            prediction = list(_EDGE_PREDICTIONS[(index // 40) % len(_EDGE_PREDICTIONS)])
        elif rng.random() < 0.8:
            prediction = _perturb(rng, rng.choice(refs) or ["empty"], families)
        else:
            prediction = [_sentence(rng, families, 1, 40) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.05 and prediction:
            prediction[0] = "  " + prediction[0]
        pairs.append((prediction, refs))
    return pairs
