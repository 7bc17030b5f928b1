"""Write the small English corpus shipped in ``gatedrnn/data/corpus/``.

The sentences come from a little grammar with number agreement (``the cell fires`` /
``the cells fire``), relative clauses that put words between a subject and its verb, and
time and place phrases. Written in the style of the Penn Treebank files: lower case, one
sentence per line, no punctuation, ``N`` for numbers. A language model can learn the
agreement, so perplexity falls well below the vocabulary size.

Run ``python -m gatedrnn.data._make_corpus`` to write the files again (same seed, same text).
"""

from __future__ import annotations

import random
from pathlib import Path

NOUNS = {  # singular -> plural
    "cell": "cells", "neuron": "neurons", "scientist": "scientists", "student": "students",
    "teacher": "teachers", "child": "children", "doctor": "doctors", "farmer": "farmers",
    "painter": "painters", "bird": "birds", "dog": "dogs", "cat": "cats", "horse": "horses",
    "fish": "fish", "network": "networks", "model": "models", "robot": "robots",
    "musician": "musicians", "sailor": "sailors", "baker": "bakers", "friend": "friends",
    "engineer": "engineers", "mouse": "mice", "monkey": "monkeys", "writer": "writers",
}
THINGS = {
    "signal": "signals", "book": "books", "letter": "letters", "song": "songs",
    "picture": "pictures", "apple": "apples", "boat": "boats", "house": "houses",
    "tree": "trees", "memory": "memories", "pattern": "patterns", "spike": "spikes",
    "question": "questions", "idea": "ideas", "stone": "stones", "map": "maps",
    "bridge": "bridges", "garden": "gardens", "window": "windows", "river": "rivers",
}
TRANSITIVE = {  # plural (base) form -> singular
    "see": "sees", "like": "likes", "follow": "follows", "find": "finds", "watch": "watches",
    "remember": "remembers", "carry": "carries", "draw": "draws", "read": "reads",
    "build": "builds", "hear": "hears", "forget": "forgets", "inhibit": "inhibits",
    "excite": "excites", "study": "studies", "help": "helps", "paint": "paints",
}
INTRANSITIVE = {
    "sleep": "sleeps", "fire": "fires", "sing": "sings", "wait": "waits", "run": "runs",
    "learn": "learns", "rest": "rests", "work": "works", "laugh": "laughs", "listen": "listens",
    "travel": "travels", "swim": "swims", "think": "thinks", "adapt": "adapts",
}
ADJECTIVES = [
    "small", "large", "old", "young", "quiet", "loud", "quick", "slow", "happy", "tired",
    "red", "green", "bright", "dark", "strong", "weak", "excitatory", "inhibitory", "new",
    "clever", "gentle", "busy", "curious", "brave",
]
STATES = ["happy", "tired", "quiet", "busy", "ready", "awake", "asleep", "calm", "hungry"]
ADVERBS = ["slowly", "quickly", "quietly", "often", "rarely", "again", "together", "alone"]
PLACES = [
    "the park", "the river", "the garden", "the city", "the lab", "the forest", "the market",
    "the school", "the harbour", "the village", "the hill", "the cortex", "the library",
]
PREPOSITIONS = ["in", "near", "by", "behind", "across", "inside"]
TIMES = [
    "in the morning", "at night", "every day", "after lunch", "in the winter", "on sunday",
    "before dawn", "in the evening", "during the storm", "at the end of the day",
]
CONNECTIVES = ["because", "when", "while", "although", "after", "before", "until"]


def _noun_phrase(rng: random.Random, plural: bool, nouns: dict[str, str]) -> str:
    singular = rng.choice(list(nouns))
    word = nouns[singular] if plural else singular
    if plural:
        determiner = rng.choice(["the", "the", "some", "many", "two", "N", "these", "all the"])
    else:
        determiner = rng.choice(["the", "the", "the", "a", "one", "this", "every", "that"])
    if rng.random() < 0.45:
        word = rng.choice(ADJECTIVES) + " " + word
    if determiner == "a" and word[0] in "aeiou":
        determiner = "an"
    return f"{determiner} {word}"


def _verb_phrase(rng: random.Random, plural: bool, depth: int) -> str:
    kind = rng.random()
    if kind < 0.45:
        base = rng.choice(list(TRANSITIVE))
        verb = base if plural else TRANSITIVE[base]
        objects = NOUNS if rng.random() < 0.4 else THINGS
        phrase = f"{verb} {_noun_phrase(rng, rng.random() < 0.4, objects)}"
    elif kind < 0.75:
        base = rng.choice(list(INTRANSITIVE))
        phrase = base if plural else INTRANSITIVE[base]
        if rng.random() < 0.4:
            phrase += " " + rng.choice(ADVERBS)
    elif kind < 0.9:
        phrase = ("are" if plural else "is") + " " + rng.choice(STATES)
    else:
        phrase = ("have" if plural else "has") + " " + _noun_phrase(rng, rng.random() < 0.5,
                                                                   THINGS)
    if rng.random() < 0.35:
        phrase += f" {rng.choice(PREPOSITIONS)} {rng.choice(PLACES)}"
    if rng.random() < 0.2:
        phrase += " " + rng.choice(TIMES)
    if depth == 0 and rng.random() < 0.15:
        phrase += " and " + _verb_phrase(rng, plural, depth + 1)
    return phrase


def _clause(rng: random.Random, depth: int = 0) -> str:
    plural = rng.random() < 0.4
    subject = _noun_phrase(rng, plural, NOUNS)
    if depth == 0 and rng.random() < 0.25:  # a relative clause between subject and verb
        subject += " that " + _verb_phrase(rng, plural, depth + 1)
    return f"{subject} {_verb_phrase(rng, plural, depth)}"


def sentence(rng: random.Random) -> str:
    """One sentence of the grammar, lower case, without punctuation."""
    kind = rng.random()
    if kind < 0.6:
        return _clause(rng)
    if kind < 0.85:
        return f"{_clause(rng)} {rng.choice(CONNECTIVES)} {_clause(rng, depth=1)}"
    if kind < 0.93:
        return f"{rng.choice(TIMES)} {_clause(rng)}"
    return f"{rng.choice(CONNECTIVES)} {_clause(rng, depth=1)} {_clause(rng, depth=1)}"


def make_split(words: int, seed: int) -> str:
    """Sentences, one per line, until at least ``words`` words have been written."""
    rng = random.Random(seed)
    lines, count = [], 0
    while count < words:
        line = sentence(rng)
        lines.append(line)
        count += len(line.split())
    return "\n".join(lines) + "\n"


SPLITS = {"train": (8000, 1), "valid": (1000, 2), "test": (1000, 3)}  # words, seed


def write_corpus(folder: str | Path) -> None:
    """Write ``train.txt``, ``valid.txt`` and ``test.txt`` into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for split, (words, seed) in SPLITS.items():
        (folder / f"{split}.txt").write_text(make_split(words, seed), encoding="utf-8")


if __name__ == "__main__":
    write_corpus(Path(__file__).parent / "corpus")
