"""The document's own vocabulary: which words it uses, how rare each is (IDF over its records), and which
places and years it names. Built once per index version from the parsed records.

A question's topic is weighed with it: a topic word the document never uses (and that no everyday synonym or
English gloss maps into it) is evidence that the question is about something else.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jieba
from pypinyin import Style, lazy_pinyin, pinyin

from assistant.bilingual import doc_terms_for_english, is_english_word, phrase_terms
from assistant.vocabulary import SCAFFOLD_EN, SCAFFOLD_EN_VERBS, SCAFFOLD_ZH, cue_words
from ingest.english import base_verb, normalise_word
from ingest.records import PolicyDocument
from vectorstore.lexical import add_user_words, init_jieba

_SCAFFOLD_EN_KEYS = frozenset(normalise_word(w) for w in SCAFFOLD_EN_VERBS)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# A number of four or more digits that is no year: a name (the 12345 hotline), not a quantity.
_NUMBER_NAME = re.compile(r"(?!(?:19|20)\d\d$)\d{4,}")
_AT_LEVEL = re.compile(r"\b(?:at |on )?(?:the )?(?:district|city|municipal|provincial|national)[- ]levels?\b")
_BESIDE_CHONGQING = re.compile(r"渝|重庆|chongqing", re.I)
_CLITIC = re.compile(r"^(\w+)'(?:d|m|re|ve|ll|s|t)$")


_CJK_WORD = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]+$")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Characters of asking and grammar (分几部分 is not a slip for 分级): a pair holding one is never corrected.
_ASKING_CHARS = frozenset("几哪谁吗呢吧啊么怎多少的了是有在和与及或都就还也会能该要把被给对从向到往这那个")
_EN_WORD = re.compile(r"[a-z][a-z'-]*[a-z]|[a-z]")
_YEAR = re.compile(
    r"(?<!\d)((?:19|20)\d{2})(?=\s*年)|\b(?:in|by|until|before|after|since|of|for)\s+((?:19|20)\d{2})\b", re.I
)
# a year as the document prints it: 2021年, or inside a document number (渝经信发〔2019〕119号)
_DOC_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s*年|\s*[〕\]）)])")
_QUOTED = re.compile(r"[《“\"]([^》”\"]{2,40})[》”\"]")


def _contraction_of_scaffold(word: str) -> bool:
    """we'd, i'm, they've, it's, don't, can't: scaffolding glued to a clitic."""
    m = _CLITIC.match(word)
    return m is not None and (m.group(1) in SCAFFOLD_EN or word.endswith("n't"))


@dataclass(frozen=True)
class TopicTerm:
    """One topic word of a question: the word, its weight (IDF) and how the document covers it."""

    text: str
    idf: float
    in_document: bool
    doc_forms: tuple[str, ...] = ()  # the document's own words for it (itself, synonyms, English glosses)
    fragment: bool = False  # a piece the segmenter left that general Chinese does not know (项说, 想查)
    common: int = 0  # how often general Chinese uses the word (jieba's dictionary count; 0 when it lacks it)


@dataclass
class DocumentLexicon:
    """Document frequency of words over the records (tasks, items, notice text), plus named anchors."""

    records: list[str]
    text: str
    words: set[str]
    tokenizer: jieba.Tokenizer = field(default_factory=jieba.Tokenizer)
    places: set[str] = field(default_factory=set)
    # provinces named only by short name beside Chongqing's (沪渝川 -> 上海, 四川), with the pinyin of each
    short_named: dict[str, str] = field(default_factory=dict)
    years: set[str] = field(default_factory=set)
    _df_cache: dict[str, int] = field(default_factory=dict)
    _prefix_cache: dict[str, frozenset[str]] = field(default_factory=dict)
    _by_sound: dict[tuple[str, ...], list[str]] = field(default_factory=dict)
    _two_char_sounds: dict[tuple[str, ...], list[str]] = field(default_factory=dict)
    _by_length: dict[int, list[str]] = field(default_factory=dict)
    _by_pinyin: dict[str, str] = field(default_factory=dict)
    _pair_chars: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
    # every two-character run of the text (a set lookup, not a scan)
    _text_pairs: frozenset[str] = frozenset()

    @property
    def max_idf(self) -> float:
        """The IDF of a word found in no record."""
        return math.log((len(self.records) + 1) / 0.5)

    def df(self, term: str) -> int:
        """How many records contain `term` (substring match, so it works for any segmentation)."""
        if term not in self._df_cache:
            self._df_cache[term] = sum(1 for r in self.records if term in r)
        return self._df_cache[term]

    def prefixes(self, head: str) -> frozenset[str]:
        """The two characters the document prints before `head` anywhere (简易 and 普通 before 注销)."""
        if head not in self._prefix_cache:
            found = re.findall(rf"([\u4e00-\u9fff]{{2}}){re.escape(head)}", self.text)
            self._prefix_cache[head] = frozenset(found)
        return self._prefix_cache[head]

    def idf(self, term: str) -> float:
        """Smoothed IDF of a term over the records."""
        return math.log((len(self.records) + 1) / (self.df(term) + 0.5))

    def near_word(self, term: str) -> str | None:
        """The document word a typo stands for: a homophone (帐款 -> 账款, 保显 -> 保险) or, for words of three
        characters or more, one character off (等级证 -> 等级证书 is not this; 营业执招 -> 营业执照 is)."""
        if len(term) < 2 or not _CJK_WORD.match(term):
            return None
        sound = tuple(lazy_pinyin(term))
        if not self._by_sound:
            self._build_sound_index()
        same = [w for w in self._by_sound.get(sound, []) if w != term]
        if same:
            return max(same, key=self.df)
        for word in self._by_length.get(len(term), ()):
            diff = [i for i, (a, b) in enumerate(zip(word, term, strict=True)) if a != b]
            if len(diff) == 1 and (
                len(term) > 2 or _close_sound(lazy_pinyin(word[diff[0]])[0], sound[diff[0]])
            ):
                return word
        return None

    def correct_typos(self, text: str) -> str:
        """Replace two-character slips that sound like a word of the document or of the question vocabulary
        and share one character with it (单为 -> 单位, 陪合 -> 配合, 等记 -> 登记). Only characters the segmenter
        could not place in any word are looked at, so 天然气 or 员工 are never touched."""
        if not self._by_sound:
            self._build_sound_index()
        pieces = self.tokenizer.lcut(text, HMM=False)
        out: list[str] = []
        i = 0
        while i < len(pieces):
            if len(pieces[i]) >= 2 and (fixed := self._misspelt_word(pieces[i])):
                out.append(fixed)  # a misspelling general Chinese lists (注消 -> 注销)
                i += 1
                continue
            pair = pieces[i] + pieces[i + 1] if i + 1 < len(pieces) else ""
            if len(pieces[i]) == 1 and len(pair) == 2 and _CJK_RUN.fullmatch(pair):
                fixed = self._sound_alike(pair)
                if fixed:
                    out.append(fixed)
                    i += 2
                    continue
            out.append(pieces[i])
            i += 1
        return "".join(out)

    def _misspelt_word(self, word: str) -> str | None:
        """The document word a rare misspelling general Chinese lists stands for (注消 -> 注销), or None: a listed
        word used at most MAX_MISSPELLING_COUNT times that sounds like a document word, tones included, which is
        used MISSPELLING_RATIO times as often."""
        counts = _general_counts()
        seen = counts.get(word, 0)
        if not 0 < seen <= MAX_MISSPELLING_COUNT or word in self.text:
            return None  # not a listed word, one used too often to be a slip, or the document's own
        near = self.near_word(word)  # (CJK words only)
        if near is None or counts.get(near, 0) < MISSPELLING_RATIO * seen:
            return None
        return near if pinyin(word, style=Style.TONE3) == pinyin(near, style=Style.TONE3) else None

    def _sound_alike(self, pair: str) -> str | None:
        first, second = self._pair_chars
        if pair[0] not in first and pair[1] not in second:
            return None  # a fix keeps one character in place: no word starts or ends like this pair
        if pair in self._text_pairs or pair in _general_words():
            return None
        # A function character (和, 的, 是) is only corrected into a word of the asking vocabulary without one:
        # 配和 -> 配合, but 几乘 stays (not 几成).
        asking = any(ch in _ASKING_CHARS for ch in pair)
        for word in self._two_char_sounds.get(tuple(lazy_pinyin(pair)), []):
            if (word[0] == pair[0] or word[1] == pair[1]) and (
                not asking or word in _cue_pairs(content_only=True)
            ):
                return word
        return None

    def _build_sound_index(self) -> None:
        for word in sorted(self.words):
            self._by_length.setdefault(len(word), []).append(word)
        for word in self.words:
            self._by_sound.setdefault(tuple(lazy_pinyin(word)), []).append(word)
        general = _general_words()
        grams = Counter(self.text[i : i + 2] for i in range(len(self.text) - 1))
        # a word of general Chinese the document uses inside its compounds (执照 of 营业执照, 医保 of 医保局)
        inner = [g for g, n in grams.items() if n >= 2 and g in general and _CJK_RUN.fullmatch(g)]
        pairs = [w for w in self.words if len(w) == 2 and self.df(w) >= 2] + sorted(inner)
        pairs += sorted(w for w in cue_words() if len(w) == 2)
        for word in sorted(set(pairs), key=lambda w: -self.df(w)):
            self._two_char_sounds.setdefault(tuple(lazy_pinyin(word)), []).append(word)
        self._pair_chars = (frozenset(w[0] for w in pairs), frozenset(w[1] for w in pairs))
        self._text_pairs = frozenset(self.text[i : i + 2] for i in range(len(self.text) - 1))

    def topic_terms(self, question: str, language: str) -> list[TopicTerm]:
        """The question's topic words (scaffolding removed), each weighed and mapped to the document."""
        if language == "en":
            return self._english_terms(question)
        terms: list[TopicTerm] = []
        for word in dict.fromkeys(self.tokenizer.lcut(question.lower())):
            word = word.strip()
            if _NUMBER_NAME.fullmatch(word) and word in self.text:
                terms.append(self._weigh(word))  # a number the document names a thing by (12345 热线)
                continue
            if len(word) < 2 or word in SCAFFOLD_ZH or not _CJK.search(word) or word[:1].isdigit():
                continue
            if _INTERROGATIVE.match(word):
                continue  # 哪些地方, 什么样, 多少钱: how the question asks, not what about
            if _VERB_AND_CLASSIFIER.fullmatch(word) and word not in self.words:
                continue  # 办个, 开个, 弄个: a verb and "a", no matter (the segmenter keeps them together)
            if word not in self.text and not is_content_word(word):
                continue  # a pronoun, numeral, adverb... of general Chinese (每家, 今天): not a topic
            if _general_tags().get(word, "")[:1] in _GRAMMAR_TAGS:
                continue  # a conjunction or pronoun the document also uses (或者, 如果): no topic
            terms.append(self._weigh(word))
        return terms

    def _weigh(self, word: str) -> TopicTerm:
        synonyms = tuple(t for t in everyday_synonyms(word) if t in self.text and t != word)
        if word in self.text:
            return TopicTerm(
                word, self.idf(word), True, (word, *synonyms), common=_general_counts().get(word, 0)
            )
        forms = synonyms
        tag = _general_tags().get(word)
        if not forms and (near := self.near_word(word) if tag is None else self._misspelt_word(word)):
            forms = (near,)  # a typo: a string general Chinese does not know, or a rare misspelling it lists
        if not forms and (tag is None or tag.startswith("j")) and (full := self.expansion_of(word)):
            forms = (full,)  # an abbreviation: 尽调 -> 尽职调查, 知产 -> 知识产权
        if not forms:
            forms = tuple(self._covered_parts(word))
        if forms:
            return TopicTerm(word, max(self.idf(f) for f in forms), True, forms)
        if _is_noun(word, tag) and not _LOCATIVE.search(word):
            return TopicTerm(word, self.max_idf, False)
        # a verb phrase (下雨) or a fragment the segmenter left (项说, 要装): little weight
        return TopicTerm(word, WEAK_UNKNOWN_IDF, False, fragment=tag is None)

    def expansion_of(self, word: str) -> str | None:
        """The document word `word` abbreviates the Chinese way, by the first character of each of its two-
        character parts (尽调 -> 尽职调查, 社保 -> 社会保险); the most frequent when several fit."""
        if not 2 <= len(word) <= 3 or not _CJK_WORD.match(word):
            return None
        pattern = "".join(f"{re.escape(ch)}[\u4e00-\u9fff]" for ch in word)
        fits = Counter(re.findall(pattern, self.text))
        if not fits and len(word) == 3:
            # 自贸区 -> 自由贸易试验区: the head noun's last character after a modifier the abbreviation drops
            lead = "".join(f"{re.escape(ch)}[\u4e00-\u9fff]" for ch in word[:2])
            fits = Counter(re.findall(f"{lead}[\u4e00-\u9fff]{{1,3}}?{re.escape(word[2])}", self.text))
        return fits.most_common(1)[0][0] if fits else None

    def _covered_parts(self, word: str) -> list[str]:
        """For an unknown compound, the document's word after its first character (a verb and its object: 签合同
        -> 合同, 接天然气 -> 天然气); for a long one, its two-character parts the document uses."""
        if len(word) >= 3 and word[1:] in self.words:
            # the leftover is the first character (a verb or modifier); a last one is the head noun and changes
            # the thing (登记费 is a fee, not 登记) unless it only derives a word (全国性, 便利化, 创新型)
            return [word[1:]]
        if len(word) >= 3 and word[-1] in _DERIVING_SUFFIXES and word[:-1] in self.words:
            return [word[:-1]]
        if len(word) >= 4 and word[:-1] in self.words and word[-1] not in _MEASURE_HEADS:
            # a thing of the document's matter (液化气罐, 营业执照本): about that matter for the topic; a measure or
            # money head (登记费, 用水量) asks for something else and stays unknown
            return [word[:-1]]
        if len(word) < 4:
            return []
        parts = [word[i : i + 2] for i in range(len(word) - 1)]
        found = [p for p in parts if p in self.words]
        return found if len(found) * 2 >= len(parts) else []

    def _english_terms(self, question: str) -> list[TopicTerm]:
        terms: list[TopicTerm] = []
        spelled: set[str] = set()
        for acronym, words in acronyms_in(question):
            # IP -> intellectual property -> 知识产权: the spelled-out phrase through the bridge, as one term
            forms = tuple(t for t in doc_terms_for_english(words, limit=1) if t in self.text)
            if forms:
                terms.append(TopicTerm(acronym.lower(), max(self.idf(f) for f in forms), True, forms))
                spelled.add(acronym)
        if spelled:
            question = _ACRONYM.sub(lambda m: " " if m.group(0) in spelled else m.group(0), question)
        low = _AT_LEVEL.sub(" ", question.lower())  # "at district level" says where, not what about
        tokens: list[str] = _EN_WORD.findall(low)
        glosses: dict[str, list[str]] = {}  # each word glossed once, for its phrases and for itself

        def gloss(word: str) -> list[str]:
            if word not in glosses:
                glosses[word] = doc_terms_for_english(word, limit=4)
            return glosses[word]

        for first, second in zip(tokens, tokens[1:], strict=False):
            # a two-word phrase the dictionary knows as one (public notice -> 公告) is a term of its own beside its
            # words, when it reaches a document word neither word does (gas supply -> 供气 is a gloss of gas too)
            if len(first) < 3 or len(second) < 3:
                continue
            forms = tuple(t for t in phrase_terms(first, second) if t in self.text)
            if forms and not set(forms) <= {*gloss(first), *gloss(second)}:
                terms.append(TopicTerm(f"{first} {second}", max(self.idf(f) for f in forms), True, forms))
        for word in dict.fromkeys(tokens):
            if word in SCAFFOLD_EN or len(word) < 3 or normalise_word(base_verb(word)) in _SCAFFOLD_EN_KEYS:
                continue  # how it asks (gives, mentions, told), in any inflection
            if _contraction_of_scaffold(word):
                continue  # we'd, i'm, they've, don't: a pronoun or auxiliary with its clitic
            glossed = [t for t in gloss(word) if t in self.text]
            # the everyday Chinese word a gloss gives leads on to the document's own (water -> 自来水 -> 用水)
            forms = tuple(dict.fromkeys(f for g in glossed for f in (g, *everyday_synonyms(g))))
            forms = tuple(f for f in forms if f in self.text)
            if not forms and (romanized := self.romanized(word)):
                forms = (romanized,)  # Yukuaiban -> 渝快办: a name written in pinyin
            if forms:
                terms.append(TopicTerm(word, max(self.idf(f) for f in forms), True, forms))
            else:
                terms.append(TopicTerm(word, self.max_idf, False))
        for chunk in re.findall(r"[\u3400-\u9fff]{2,}", question):
            terms.extend(self.topic_terms(chunk, "zh"))
        return terms

    def romanized(self, word: str) -> str | None:
        """The document word (or quoted name, “渝快办”) whose toneless pinyin, run together, is `word`."""
        if not self._by_pinyin:
            names = set(re.findall(r"“([\u4e00-\u9fff]{2,8})”", self.text))
            for w in sorted(self.words | names):
                if len(w) >= 2:
                    self._by_pinyin.setdefault("".join(lazy_pinyin(w)), w)
        return self._by_pinyin.get(word.lower()) if len(word) >= 4 else None

    def foreign_places(self, question: str) -> list[str]:
        """Places the question names that the document never mentions, as the jurisdiction of what is asked:
        a place reached through a preposition (去俄罗斯的班列, 跟四川对接, trade with Singapore) is where the
        district's own measure leads, not another jurisdiction's matter."""
        low = question.lower()
        return [
            p
            for p in self.places
            if p in low
            and not self._names_place(p, low)
            and not re.search(_TOWARDS_PLACE.format(place=re.escape(p)), low)
            and not self._qualifies_own_place(p, low)
            and not (p in _countries() and re.search(_ORIGIN_OF.format(place=re.escape(p)), low))
        ]

    def _qualifies_own_place(self, place: str, question: str) -> bool:
        """成都新都 / 四川新都区: the province or city of a place the document names (新都区) only says where that
        place is (成都高新区 names another zone: 高新区 is no place name of general Chinese)."""
        for m in re.finditer(rf"{re.escape(place)}[省市]?([\u4e00-\u9fff]{{2,3}})", question):
            tail = m.group(1)
            for name in (f"{tail[:n]}{suffix}" for n in (2, 3) for suffix in "区县市"):
                # a place by general Chinese (新都区 is one, 高新区 of a firm's branch name is not)
                if name in self.text and (_general_tags().get(name) or "").startswith("ns"):
                    return True
        return False

    def _names_place(self, place: str, question: str) -> bool:
        """Does the document name this place (an English name through its Chinese gloss: singapore -> 新加坡)?
        A province the document names only by its short name beside Chongqing's (沪渝川 names 上海 and 四川) counts
        when the question too sets it beside Chongqing (川渝通办, Shanghai-Chongqing-Sichuan): 成都高新区 alone is
        another jurisdiction's matter."""
        if place in self.text:
            return True
        short_named = self.short_named if _BESIDE_CHONGQING.search(question) else {}
        if place in short_named:
            return True
        if not place.isascii():
            return False
        if place.replace(" ", "") in short_named.values():
            return True  # shanghai: 上海, named as 沪
        glosses = doc_terms_for_english(place, limit=3)
        return any(g in self.places and (g in self.text or g in short_named) for g in glosses)

    def foreign_years(self, question: str) -> list[str]:
        """Years the question names that the document never mentions."""
        found = [a or b for a, b in _YEAR.findall(question)]
        return [y for y in found if y not in self.years]

    def foreign_titles(self, question: str) -> list[str]:
        """Quoted titles (《...》) the question names that the document does not contain."""
        titles = re.findall(r"《([^》]{2,60})》", question)
        return [t for t in titles if _squash(t) not in _squash(self.text)]


# Heads that turn a noun into a measure of it or money for it (登记费, 用水量, 土地价): not the noun's matter.
_MEASURE_HEADS = frozenset("费价税款金额量率数钱")
# Suffixes that derive a word from the one before them without changing what it is about (办事员, 经营者: the one
# who does it is about the doing; 承诺书, 申请书: the written form of an act is about the act).
_DERIVING_SUFFIXES = frozenset("性化型式级类方面员者书")

# A preposition of direction or partnership before a place (去/到/往/跟/和/与/同/向/对接 X; to/with/from/towards X).
# A country named before a noun (德国工程师, 美国公司) says whose person or firm it is, not which country's rules
# are asked about (德国的规定, 在美国开公司).
_ORIGIN_OF = r"(?<!在){place}(?:籍)?(?=[\u4e00-\u9fff])(?!的|政府|法律|规定|政策)"
_TOWARDS_PLACE = (
    r"(?:去|到|往|跟|和|与|同|向|对接|连通|通往|\b(?:to|with|from|towards|into)\s+(?:\w+\s+){{0,3}}){place}"
)


def _close_sound(a: str, b: str) -> bool:
    """Pinyin syllables one letter apart (pin/ping, zhen/zheng): a common slip of the input method."""
    if a == b:
        return True
    if abs(len(a) - len(b)) != 1:
        return False
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def _squash(text: str) -> str:
    return re.sub(r"[\s〈〉《》<>“”\"]", "", text)


# Parts of speech that only join or point (conjunction, particle, pronoun): never a topic, even when the document
# uses the word. Not prepositions: jieba tags 依据 and 根据 p, and the document uses them as nouns (无政策依据).
_GRAMMAR_TAGS = frozenset("cury")
# Parts of speech (jieba's dictionary tags) that never name a topic: pronouns, numerals and measure words,
# adverbs, prepositions, conjunctions, particles, time and direction words, interjections, onomatopoeia.
_FUNCTION_TAGS = ("r", "m", "q", "d", "p", "c", "u", "y", "e", "o", "f", "t", "z", "b", "k", "h", "x")


@cache
def _general_dictionary() -> tuple[dict[str, int], dict[str, str]]:
    """jieba's general dictionary, read once: word -> count, and word -> part-of-speech tag."""
    path = Path(jieba.__file__).parent / "dict.txt"
    counts: dict[str, int] = {}
    tags: dict[str, str] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3:
                counts[parts[0]] = int(parts[1])
                tags[parts[0]] = parts[2]
    return counts, tags


def _general_tags() -> dict[str, str]:
    """Word -> part-of-speech tag from jieba's general dictionary."""
    return _general_dictionary()[1]


def _general_counts() -> dict[str, int]:
    """Word -> how often general Chinese uses it (jieba's dictionary counts)."""
    return _general_dictionary()[0]


# A word general Chinese lists but rarely uses (jieba's dictionary keeps common misspellings: 注消 3 times) is a
# misspelling of a document word that sounds the same, tones included, and is used this many times more (注销 80);
# 公式/公示 or 权利/权力 are both common, so neither stands for the other.
MAX_MISSPELLING_COUNT = 10
MISSPELLING_RATIO = 10


# Weight of an unknown word that is not a noun of general Chinese: a segmentation fragment, not a topic.
WEAK_UNKNOWN_IDF = 1.0
_NOUN_TAGS = ("n", "vn", "eng", "j", "l")
# A noun with a locative suffix (店里, 家里, 厂里) sets the scene of a story; it is not what is asked about.
_INTERROGATIVE = re.compile(r"哪|什么|啥|多少|几(?!乎)")
_LOCATIVE = re.compile(r"[里内上中边]$")
_VERB_AND_CLASSIFIER = re.compile(r"[\u4e00-\u9fff]个")


def _is_noun(word: str, tag: str | None) -> bool:
    """A noun of general Chinese (天气, 火锅) or a Latin-script term (GDP): a topic of its own."""
    if re.fullmatch(r"[a-z0-9][a-z0-9.\-]*", word):
        return True
    if re.search(r"^.+[了着]|个$", word):
        # an aspect particle inside or a classifier at the end (开了个, which jieba's dictionary tags n): no noun
        return False
    if tag == "i":
        # jieba tags set phrases as idioms (i): one ending on a noun names a thing (今天天气), a description or a
        # verb phrase (合在一起, 四通八达, 千方百计) names none
        tags = _general_tags()
        return len(word) == 4 and tags.get(word[2:]) == "n" and tags.get(word[:2]) != "m"
    return tag is not None and tag.startswith(_NOUN_TAGS)


@cache
def _general_words() -> frozenset[str]:
    return frozenset(_general_tags())


def is_noun_word(word: str) -> bool:
    """A word that names a thing: a noun of general Chinese by `_is_noun` (天然气, 不动产), or one it does not know
    (a term of the document's own); not a verb or adjective (落实, 开发)."""
    tag = _general_tags().get(word)
    return tag is None or _is_noun(word, tag)


def is_content_word(word: str) -> bool:
    """Not a function word of general Chinese (words jieba does not know count as content)."""
    tag = _general_tags().get(word)
    return tag is None or not tag.startswith(_FUNCTION_TAGS)


@cache
def _places_table() -> dict[str, dict[str, list[str]]]:
    text = resources.files("assistant").joinpath("places.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _place_groups() -> dict[str, list[str]]:
    return dict(_places_table()["places"])


@cache
def _places() -> frozenset[str]:
    return frozenset(name for names in _place_groups().values() for name in names)


@cache
def _short_names() -> dict[str, str]:
    """One-character short names of provinces and cities (沪 -> 上海, 川 -> 四川, 渝 -> 重庆)."""
    return {short: place for place, shorts in _places_table()["short_names"].items() for short in shorts}


def abbreviated_places(text: str) -> dict[str, str]:
    """Places a text names by short names run together with Chongqing's (川渝两地, 沪渝川直达快线, 成渝地区): a run
    of two to four short-name characters that holds 渝. Each with its toneless pinyin (上海 -> shanghai)."""
    shorts = _short_names()
    chars = "".join(sorted(shorts))
    places = {
        shorts[ch] for run in re.findall(f"[{chars}]{{2,4}}", text) if "渝" in run for ch in run if ch != "渝"
    }
    return {place: "".join(lazy_pinyin(place)) for place in sorted(places)}


@cache
def _countries() -> frozenset[str]:
    return frozenset(_place_groups().get("countries", []))


@cache
def _glossary_file() -> dict[str, Any]:
    """assistant/glossary.toml, read and parsed once: [zh] everyday words, [en_acronyms] business acronyms."""
    text = resources.files("assistant").joinpath("glossary.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _glossary() -> dict[str, list[str]]:
    table: dict[str, list[str]] = _glossary_file().get("zh", {})
    return table


def _acronyms() -> dict[str, str]:
    table: dict[str, str] = _glossary_file().get("en_acronyms", {})
    return table


_ACRONYM = re.compile(r"(?<![A-Za-z&])[A-Z][A-Za-z&]{1,4}(?![A-Za-z&])")


def acronyms_in(text: str) -> list[tuple[str, str]]:
    """The business acronyms `text` writes in capitals (IP, SMEs) with their words (assistant/glossary.toml),
    unless the dictionary bridge knows the acronym itself (VAT: CC-CEDICT gives it beside 增值税)."""
    table = _acronyms()
    found = dict.fromkeys(m.group(0) for m in _ACRONYM.finditer(text))
    return [(a, table[a]) for a in found if a in table and not is_english_word(a)]


def everyday_synonyms(word: str) -> list[str]:
    """The document's words for an everyday word (assistant/glossary.toml), also when it is part of `word`."""
    found: list[str] = []
    for key, values in _glossary().items():
        if key in word:
            found.extend(values)
    return list(dict.fromkeys(found))


@cache
def _cue_pairs(content_only: bool) -> frozenset[str]:
    """Two-character words of the asking vocabulary (only those without a function character: 配合, not 几成)."""
    return frozenset(
        w for w in cue_words() if len(w) == 2 and not (content_only and any(ch in _ASKING_CHARS for ch in w))
    )


def expansion_terms(question: str) -> list[str]:
    """Document words for the everyday words in a Chinese question (to widen retrieval)."""
    found = [t for key, values in _glossary().items() if key in question for t in values]
    return [t for t in dict.fromkeys(found) if t not in question]


# A name general Chinese does not know is cut into single characters (黄磏港 -> 黄/磏/港, 渝快办 -> 渝/快/办); a run
# of this many single characters that recurs in the document is one of its words.
_CHAR_RUN = (3, 4)


def _recurring_char_runs(segmented: list[list[str]]) -> set[str]:
    """Runs of 3-4 single-character tokens that occur as such runs at least twice in the document."""
    counts: Counter[str] = Counter()
    for tokens in segmented:
        run: list[str] = []
        for token in [*tokens, "。"]:
            if len(token) == 1 and _CJK_WORD.match(token):
                run.append(token)
                continue
            if _CHAR_RUN[0] <= len(run) <= _CHAR_RUN[1]:
                counts["".join(run)] += 1
            run = []
    return {word for word, n in counts.items() if n >= 2}


def build_lexicon(doc: PolicyDocument, unit_names: list[str]) -> DocumentLexicon:
    """Segment every record once; keep the vocabulary, the records for DF, and the document's anchors.

    Questions are segmented with a tokenizer of their own that knows the document's words (用电 and 报装,
    not 电报), so a question splits the way the document does."""
    init_jieba()
    add_user_words(unit_names)
    records = [
        *("".join([t.city_task, t.district_measure, *t.lead_units, *t.coop_units]) for t in doc.tasks),
        *(i.text for i in doc.items),
        doc.meta.preamble,
        doc.meta.guiding_ideology,
        doc.meta.goals,
    ]
    text = "\n".join([doc.meta.title, doc.meta.annex_title, *records]).lower()
    segmented = [jieba.lcut(r) for r in records]
    words = {w for run in segmented for w in run if len(w) >= 2 and _CJK_WORD.match(w)}
    words |= _recurring_char_runs(segmented)
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = jieba.dt.tmp_dir
    for word in [*words, *unit_names, *_glossary()]:
        tokenizer.add_word(word.lower(), freq=2000)
    years = set(_DOC_YEAR.findall(text)) | {str(doc.meta.target_year)}
    lexicon = DocumentLexicon(
        records=[r.lower() for r in records],
        text=text,
        words=words,
        tokenizer=tokenizer,
        places=set(_places()),
        short_named=abbreviated_places(text),
        years=years,
    )
    lexicon._build_sound_index()  # at load, not in the first question's time
    return lexicon
