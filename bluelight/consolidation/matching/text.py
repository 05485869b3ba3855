"""Text features of a report: what it is about (TF-IDF of its words, scikit-learn) and the places
and proper names it mentions (any place: a capitalised run of words that is not an organisation's
name, not the vocabulary of collaboration, and not merely capitalised at the start of a sentence).
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from sklearn.feature_extraction.text import TfidfVectorizer


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Spellings returns use for the same thing; folding them is domain knowledge an analyst would sign
# off ("co-located" is "joint", a "trial" a "pilot"), not something learnt from any data set.
SYNONYMS = {
    "shared": "joint",
    "sharing": "joint",
    "share": "joint",
    "combined": "joint",
    "colocated": "joint",
    "collocated": "joint",
    "colocation": "joint",
    "collocation": "joint",
    "integrated": "joint",
    "center": "centre",
    "program": "programme",
    "project": "scheme",
    "initiative": "scheme",
    "trial": "pilot",
    "frs": "fire",
    "fras": "fire",
    "brigade": "fire",
    "constabulary": "police",
    "force": "police",
    "forces": "police",
    "npt": "neighbourhood",
    "snt": "neighbourhood",
    "hq": "headquarters",
    "paramedic": "ambulance",
    "paramedics": "ambulance",
}
STOP_WORDS = _words(
    """a about above across after again against all also an and any are around as at be because been before
    being below between both but by can could did do does during each every few for from further had has have
    having he her here hers him his how i if in into is it its itself just me more most my no nor not now of
    off on once only or other our ours out over own same she should so some such than that the their theirs
    them then there these they this those through to too under until up upon very was we were what when where
    which while who whom why will with within without would you your yours via per one two three us"""
)
# Capitalised words that are never a place or project name, whatever the case they are typed in:
# the vocabulary of collaboration (the taxonomy's own words are added at run time), titles of
# bodies and calendar words.
COMMON_WORDS = _words(
    """joint shared station stations site base hub centre center fire police ambulance rescue service services
    team teams unit scheme pilot project programme partnership collaboration collaborative emergency blue light
    lights tri-service triservice community safety response responder responders first officer officers crew
    crews operation operations control room rooms system platform board forum protocol agreement review plan
    strategy phase stage county borough city district council authority authorities trust nhs commissioner
    commissioners chief constable constabulary mayor office government home act national regional local north
    south east west northern southern eastern western central greater upper lower new old great little royal
    st saint england wales scotland britain british uk united kingdom english welsh january february march
    april may june july august september october november december monday tuesday wednesday thursday friday
    saturday sunday spring summer autumn winter mr mrs ms dr memorandum understanding mou decision business
    case headquarters hq estates estate building buildings covid coronavirus pandemic"""
)

# Words in any alphabet ("Gorsaf Dân y Rhyl", "Ynys Môn"), then punctuation that ends a sentence or
# separates names.
TOKEN_RE = re.compile(r"[^\W_][\w'’\-]*|[.!?:;()\u2013\u2014/,&]")
BREAKS = frozenset(".!?:;()\u2013\u2014")
_SEPARATORS = frozenset("/,&")
_SUFFIXES = ("ings", "ing", "ers", "er", "ies", "ed", "s")


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lower case without apostrophes or hyphens: "Co-located" -> "colocated"."""
    return word.lower().replace("'", "").replace("’", "").replace("-", "")


@lru_cache(maxsize=200_000)
def term(word: str) -> str:
    """A folded word as a TF-IDF term: synonyms mapped, then a light stem ("responders" and
    "responding" both become "respond"; a stem keeps at least four letters)."""
    word = SYNONYMS.get(word, word)
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    return SYNONYMS.get(word, word)


class OrganisationNames:
    """Finds organisation names and aliases in text, so their words are not taken for places."""

    def __init__(self, names: Iterable[str]):
        phrases: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        self.words: set[str] = set()
        for name in names:
            words = tuple(fold(m.group()) for m in TOKEN_RE.finditer(name) if m.group() not in BREAKS)
            words = tuple(w for w in words if w and w not in _SEPARATORS)
            if words:
                phrases[words[0]].add(words)
                self.words.update(words)
        self.phrases = {first: sorted(p, key=len, reverse=True) for first, p in phrases.items()}

    def mask(self, folded: list[str]) -> list[bool]:
        """True for each word that is part of an organisation's name ("Hereford & Worcester Fire":
        names are matched with "&", "," and "/" left out, as they are stored)."""
        at = [k for k, word in enumerate(folded) if word not in _SEPARATORS]
        words = [folded[k] for k in at]
        masked = [False] * len(folded)
        i = 0
        while i < len(words):
            for phrase in self.phrases.get(words[i], ()):
                if tuple(words[i : i + len(phrase)]) == phrase:
                    for j in range(i, i + len(phrase)):
                        masked[at[j]] = True
                    i += len(phrase) - 1
                    break
            i += 1
        return masked


@dataclass
class Text:
    """One text cut into what it is about (terms) and the places and names it mentions."""

    terms: list[str]
    names: set[str]
    shown: dict[str, str]  # name key -> the name as written, for explanations
    # Capitalised runs at the start of a sentence: names only if used as names elsewhere in the
    # round. (key, as written, the terms they would otherwise count as)
    initial: list[tuple[str, str, list[str]]] = field(default_factory=list)

    def settle(self, known_names: set[str]) -> "Text":
        """Take the sentence-initial runs that the round uses as names elsewhere for names too."""
        for key, written, terms in self.initial:
            if key in known_names:
                self.names.add(key)
                self.shown.setdefault(key, written)
                for t in terms:
                    self.terms.remove(t)
        self.initial = []
        return self


class Analyser:
    """Cuts the texts of one round into terms and names, with what the round itself shows: a word
    written in lower case anywhere in the round is an ordinary word, not a name."""

    def __init__(self, organisation_names: Iterable[str], vocabulary: Iterable[str], texts: Iterable[str]):
        self.organisations = OrganisationNames(organisation_names)
        self.common = COMMON_WORDS | frozenset(fold(w) for w in vocabulary)
        self.lowercase = {fold(m.group()) for t in texts for m in TOKEN_RE.finditer(t or "") if m.group()[0].islower()}

    def _is_name_word(self, word: str, folded: str, in_org: bool) -> bool:
        if in_org or not word[0].isupper() or (word.isupper() and len(word) <= 5) or word[0].isdigit():
            return False  # lower case, or an acronym (CPR, HR, ICT, an organisation's initials)
        if folded in self.common or folded in STOP_WORDS or folded in self.organisations.words:
            return False
        return folded not in self.lowercase

    def analyse(self, text: str) -> Text:
        words, starts = [], []
        sentence_start = True
        for token in TOKEN_RE.finditer(text or ""):
            token = token.group()
            if token in BREAKS:
                sentence_start = True
                continue
            if token in _SEPARATORS:
                words.append(token)
                starts.append(False)
                continue
            words.append(token)
            starts.append(sentence_start)
            sentence_start = False
        folded = [fold(w) for w in words]
        in_org = self.organisations.mask(folded)
        is_name = [False] * len(words)
        names: set[str] = set()
        shown: dict[str, str] = {}
        initial_runs: list[tuple[str, str, int, int]] = []
        i = 0
        while i < len(words):
            j = i
            while j < len(words) and words[j] not in _SEPARATORS and self._is_name_word(words[j], folded[j], in_org[j]):
                j += 1
            if j == i:
                i += 1
                continue
            key = " ".join(folded[i:j])
            written = " ".join(words[i:j])
            if starts[i]:
                initial_runs.append((key, written, i, j))
            else:
                names.add(key)
                shown.setdefault(key, written)
                for k in range(i, j):
                    is_name[k] = True
            i = j

        def term_of(k: int) -> str | None:
            word = folded[k]
            if is_name[k] or in_org[k] or not word or word in STOP_WORDS or word in _SEPARATORS:
                return None
            return term(word)

        terms = [t for t in (term_of(k) for k in range(len(words))) if t is not None]
        initial = [(key, written, [t for t in map(term_of, range(i, j)) if t]) for key, written, i, j in initial_runs]
        return Text(terms, names, shown, initial)


def tfidf_rows(docs: list[list[str]], *, chars: bool = False):
    """Unit-length TF-IDF rows (a sparse matrix) for documents given as term lists; with `chars`,
    of the character 3- to 5-grams inside the terms, which match variants a stem misses."""
    if not any(docs):
        return None
    if chars:
        vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        return vectorizer.fit_transform([" ".join(d) for d in docs])
    vectorizer = TfidfVectorizer(analyzer=lambda doc: doc, sublinear_tf=True)
    return vectorizer.fit_transform(docs)
