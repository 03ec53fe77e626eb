"""English word normalisation shared by the bilingual build step and the runtime lookup.

Both sides must fold a word the same way, so ``customs``/``custom``, ``licences``/``licence`` and
``cleared``/``clearing``/``clear`` meet on one key. The folding is a deliberately small stemmer (plural
-s/-es/-ies, -ing/-ed with an undoubled consonant, a final silent e), not a lemmatiser: keys need not be
real words, only stable. Stop words are general English function words plus the filler CC-CEDICT glosses
use (sb, sth, etc); question words are what an English question asks with, not what it asks about.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?(?:-[a-z]+)*")
_VOWELS = set("aeiouy")
_UNDOUBLE_KEEP = {"ll", "ss", "zz", "ff"}

STOP_WORDS = frozenset(
    """
    a an the to of in on at by for from with without into onto over under up down out off about as
    and or nor but if then than so such that this these those there here it its itself
    be is are was were been being am do does did done doing have has had having
    can could may might must shall should will would not no yes
    i me my we our you your he him his she her they them their one ones oneself
    some any all each every other another more most much many few less very too also just only still
    sb sth sb's sth's etc e.g ie i.e esp usu lit fig abbr cl variant old see used
    please tell know give show let get got
    """.split()
)

# "long" only asks (how long) in questions about this kind of document; it names no topic.
QUESTION_WORDS = frozenset(
    """
    what which who whom whose when where why how whether long
    """.split()
)


# Irregular past forms of general English verbs (the folding strips only -ed/-ing): looked up as their base
# verb, so "built" reaches what "build" does.
IRREGULAR_VERBS: dict[str, str] = {
    past: base
    for base, forms in {
        "build": "built",
        "rebuild": "rebuilt",
        "make": "made",
        "hold": "held",
        "bring": "brought",
        "pay": "paid",
        "sell": "sold",
        "buy": "bought",
        "send": "sent",
        "spend": "spent",
        "lend": "lent",
        "keep": "kept",
        "leave": "left",
        "meet": "met",
        "take": "taken took",
        "undertake": "undertaken undertook",
        "give": "given gave",
        "write": "written wrote",
        "go": "gone went",
        "see": "seen saw",
        "oversee": "overseen oversaw",
        "choose": "chosen chose",
        "show": "shown",
        "know": "known knew",
        "grow": "grown grew",
        "draw": "drawn drew",
        "withdraw": "withdrawn withdrew",
        "begin": "begun began",
        "find": "found",
        "win": "won",
        "lose": "lost",
        "lead": "led",
        "feed": "fed",
        "feel": "felt",
        "deal": "dealt",
        "mean": "meant",
        "stand": "stood",
        "understand": "understood",
        "teach": "taught",
        "think": "thought",
        "catch": "caught",
        "seek": "sought",
        "fight": "fought",
        "bind": "bound",
        "hang": "hung",
        "lay": "laid",
        "say": "said",
        "tell": "told",
        "get": "got gotten",
        "strike": "struck",
        "break": "broken broke",
        "speak": "spoken spoke",
        "steal": "stolen stole",
        "freeze": "frozen froze",
        "forget": "forgotten forgot",
        "hide": "hidden hid",
        "drive": "driven drove",
        "throw": "thrown threw",
        "fly": "flown flew",
        "wear": "worn wore",
        "tear": "torn tore",
        "swear": "sworn swore",
        "rise": "risen rose",
        "arise": "arisen arose",
        "shake": "shaken shook",
        "eat": "eaten ate",
        "fall": "fallen fell",
        "forbid": "forbidden forbade",
        "do": "done did",
        "run": "ran",
        "come": "came",
        "become": "became",
        "sit": "sat",
        "dig": "dug",
        "stick": "stuck",
        "spin": "spun",
        "shoot": "shot",
        "slide": "slid",
        "light": "lit",
        "read": "read",
        "hear": "heard",
        "sleep": "slept",
        "sweep": "swept",
        "weep": "wept",
        "bleed": "bled",
        "breed": "bred",
        "flee": "fled",
        "speed": "sped",
        "bend": "bent",
    }.items()
    for past in forms.split()
}


def base_verb(word: str) -> str:
    """The base form of an irregular past form (built -> build); other words unchanged."""
    return IRREGULAR_VERBS.get(word.lower(), word)


def normalise_word(word: str) -> str:
    """Fold an English word to its key: lower case, plural and -ing/-ed endings and a final e removed."""
    word = word.lower().strip("'")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) <= 3:
        return word
    word = _strip_plural(word)
    word = _strip_verb_ending(word)
    if len(word) > 3 and word.endswith("e") and not word.endswith("ee"):
        word = word[:-1]
    return word


def _strip_plural(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")) or (
        word.endswith("ses") and len(word) > 4 and not word.endswith("uses")
    ):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "ous")):
        return word[:-1]
    return word


def _strip_verb_ending(word: str) -> str:
    for ending, min_stem in (("ing", 3), ("ed", 3)):
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) >= min_stem and _VOWELS & set(stem):
            if stem.endswith("i") and ending == "ed":
                return stem[:-1] + "y"
            if len(stem) > 3 and stem[-1] == stem[-2] and stem[-2:] not in _UNDOUBLE_KEEP:
                return stem[:-1]
            return stem
    return word


def english_words(text: str, *, parts: bool = True) -> list[str]:
    """The lower-cased English words of a text, in order; a hyphenated compound (one-stop, cross-border)
    is one word, followed by its parts unless `parts` is False."""
    words: list[str] = []
    for word in _WORD.findall(text.lower()):
        words.append(word)
        if parts and "-" in word:
            words.extend(word.split("-"))
    return words


def content_words(text: str) -> list[str]:
    """The lower-cased words of a text that carry meaning (stop and question words dropped), in order."""
    return [w for w in english_words(text) if w not in STOP_WORDS and w not in QUESTION_WORDS and len(w) > 1]


def content_keys(text: str) -> list[str]:
    """Folded keys of the meaningful words of a text, in order."""
    return [normalise_word(word) for word in content_words(text)]


def exact_key(word: str) -> str:
    """The key of a word's exact (lower-cased) form, looked up before its folded key: customs != custom."""
    return "=" + word.lower()


def phrase_key(keys: list[str] | tuple[str, ...]) -> str:
    """An order-free key for a 2-3 word phrase (``gas use`` and ``use gas`` meet)."""
    return " ".join(sorted(set(keys)))
