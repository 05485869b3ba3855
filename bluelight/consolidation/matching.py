"""Matching reports of the same collaboration: plain data in, scored clusters out (no database).

The database layer (services.py) turns staged return items and existing collaborations into
`MatchItem`s and stores the clusters this module proposes; the benchmark feeds it a generated,
labelled evaluation set. The interface comes first; below it are the matcher (`cluster_items`)
and the plain yardstick it is measured against (`title_baseline_clusters`).
"""

import csv
import heapq
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path


@dataclass(frozen=True)
class MatchItem:
    """One report (a staged return item) or one existing collaboration, as the matcher sees it."""

    key: str  # "item:<pk>" or "collaboration:<pk>"; unique
    partners: frozenset[int]  # organisation ids, reporter included
    title: str
    description: str = ""
    reporter: int | None = None  # organisation id that reported it; None for an existing collaboration
    return_id: int | None = None  # two items of one return are never the same collaboration
    theme: str | None = None  # theme code, if coded
    start_year: int | None = None
    status: str = ""
    known_collaboration: int | None = None  # the item was pre-filled from this collaboration
    collaboration: int | None = None  # set when this is an existing collaboration


@dataclass
class ProposedCluster:
    """Items (and at most one existing collaboration) taken to be one collaboration."""

    keys: list[str]  # keys of the return items in the cluster (may be one: a singleton)
    existing: int | None = None  # collaboration id it matches, if any
    score: float = 1.0  # 0-1: confidence that the cluster is right as proposed
    explanation: str = ""  # plain language: "same 3 partners; titles 0.82 similar; both name Epsom"
    pair_scores: dict = field(default_factory=dict)  # {(key_a, key_b): score} for the links used


# =============================================================================================
# The matcher. Everything below is pure Python on the dataclasses above: no database and no new
# dependency (scikit-learn and numpy are not dependencies of the project, and the TF-IDF needed
# here is a few dozen lines).

PACKAGE_DIR = Path(__file__).resolve().parent.parent
ORGANISATIONS_CSV = PACKAGE_DIR / "organisations" / "data" / "organisations.csv"
THEMES_CSV = PACKAGE_DIR / "collaborations" / "data" / "themes.csv"

# ---------------------------------------------------------------------------------------------
# Blocking. Two reports can only describe one collaboration if they name at least two partners
# in common (each report lists its reporter), so items are compared only within a block of items
# sharing a pair of partner organisations: cost grows with the blocks, not with the square of the
# round. A pair of big neighbouring services (a county police force and its fire service) can
# still collect hundreds of reports in a large round; above LARGE_BLOCK items a block is not
# compared all against all: each item is compared with the NEIGHBOURS members of the block whose
# titles share the most weighted words with its own (found through an inverted index of title
# words, which costs far less than scoring). A collaboration has a handful of reports (one per
# partner), so 25 neighbours leave ample room; reports of one collaboration share most of their
# title words and stay each other's near neighbours. What is dropped are pairs whose titles have
# little in common, which would score low anyway: on the 10,000-report benchmark this cut the
# comparisons by three fifths and the pairwise F1 by 0.001.
LARGE_BLOCK = 50
NEIGHBOURS = 25

# ---------------------------------------------------------------------------------------------
# The pair score: a logistic function of a weighted sum of evidence, in log-odds. Each weight
# is set by hand from what an analyst would say the evidence is worth; none is fitted. They were
# checked on development worlds (demo seeds 5, 6, 7, 11 and 99), never on the evaluation set the
# benchmark reports (seed 2014, the demo world itself).
#
# BIAS: before looking at titles, two reports that merely share two partners are more likely to
# be different collaborations (neighbouring services run many projects together).
BIAS = -2.5
# PARTNERS x (Jaccard - 0.5): the same partner list (+2 at Jaccard 1) is good but not sufficient
# evidence, since the same partners run several collaborations; a half-overlapping list is neutral
# because reports often leave one partner out.
W_PARTNERS = 4.0
# Each reporter named by the other report as a partner (+0.5) is what two reports of one joint
# project look like; a reporter the other leaves out (-1.0) suggests a different project, but
# partners are often forgotten, so it is weaker than a place or theme conflict.
W_MUTUAL = 0.5
W_NOT_MUTUAL = -1.0
# TITLE x (similarity - 0.45): the title is what the collaboration is, and the strongest single
# signal. The similarity is taken on the title with places, project names and organisation names
# removed (those are scored on their own), so "Shared station" vs "Joint control room" is judged
# on the words that say what was done. 0.45 is the point above which the words mostly agree;
# identical wording adds +4.4, unrelated wording takes off about -3.6.
W_TITLE = 8.0
TITLE_PIVOT = 0.45
# DESCRIPTION x (similarity - 0.25), only when both reports have one: descriptions are written
# independently by each partner and vary far more than titles, so the pivot is lower and the weight
# smaller.
W_DESCRIPTION = 3.0
DESCRIPTION_PIVOT = 0.25
# Places and proper names (towns, project code names): naming the same one is good evidence
# (+1.5). Naming different ones (-8.0) outweighs all the other evidence together (at most about
# +8 after the bias): the same partners often run the same kind of scheme in several towns,
# described with the same words, and "Shared station at Epsom" is not "Shared station at Woking".
# The places in the titles decide when both titles name one; descriptions (which also mention the
# wider area) are used only when a title names none. Names agree when the words of one side's
# names are all among the other's ("Newcastle" and "Newcastle upon Tyne").
W_SAME_PLACE = 1.5
W_DIFFERENT_PLACE = -8.0
# Theme codes, when both are coded: the same theme (+1.0) is expected; a sibling sub-theme (0)
# is a common coding difference; a different top-level theme (-1.5) is a real disagreement about
# what the collaboration does.
W_SAME_THEME = 1.0
W_SIBLING_THEME = 0.0
W_OTHER_THEME = -1.5
# Start years, when both are given: partners remember dates loosely, so one year apart is neutral;
# the same year +0.3; two years -0.5; three or more -1.5.
W_SAME_YEAR = 0.3
W_TWO_YEARS = -0.5
W_FAR_YEARS = -1.5
# Status: a planned scheme and an ended one cannot both be right about the same collaboration in
# one round (-0.7); other differences (operational vs completed) are ordinary lag.
W_STATUS_CONFLICT = -0.7

# Clustering links the best pairs first (single linkage), so a chain could join two reports
# through a third. A merge is refused when any two reports it would bring together score below
# VETO: that is a clear contradiction (two towns, two kinds of scheme), not missing evidence.
VETO = 0.1

_STATUS_STAGE = {
    "planned": "future",
    "in_development": "future",
    "operational": "running",
    "completed": "ended",
    "discontinued": "ended",
}


# ---------------------------------------------------------------------------------------------
# Words. Synonyms that returns use for the same thing; folding them is domain knowledge an analyst
# would sign off ("a shared site" is "a joint station"), not something learnt from data.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


SYNONYMS = {
    "shared": "joint",
    "combined": "joint",
    "colocated": "joint",
    "collocated": "joint",
    "integrated": "joint",
    "site": "station",
    "base": "station",
    "premises": "station",
    "center": "centre",
    "program": "programme",
    "project": "scheme",
    "initiative": "scheme",
    "trial": "pilot",
    "frs": "fire",
    "fras": "fire",
}
STOP_WORDS = _words(
    """a about above across after again against all also an and any are around as at be because been before
    being below between both but by can could did do does during each every few for from further had has have
    having he her here hers him his how i if in into is it its itself just me more most my no nor not now of
    off on once only or other our ours out over own same she should so some such than that the their theirs
    them then there these they this those through to too under until up upon very was we were what when where
    which while who whom why will with within without would you your yours via per new one two three"""
)
# Capitalised words that are never a place or project name, whatever the case they are typed in:
# the collaboration vocabulary (plus the taxonomy's own words, added below) and calendar words.
COMMON_WORDS = _words(
    """joint shared station site base hub centre center fire police ambulance rescue service services team
    unit scheme pilot project programme partnership collaboration emergency blue light lights tri-service
    community safety response responder responders first officer officers crew crews operation operations
    control room rooms system platform board forum protocol agreement review plan strategy phase stage
    county borough city district council authority authorities trust nhs commissioner commissioners chief
    constable constabulary mayor office government home act national regional local north south east west
    northern southern eastern western central greater upper lower new old great little royal st saint
    england wales scotland britain british uk united kingdom english welsh january february march april may
    june july august september october november december monday tuesday wednesday thursday friday saturday
    sunday spring summer autumn winter mr mrs ms dr"""
)

_TOKEN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*|[.!?:;()\u2013\u2014]")
_BREAKS = frozenset(".!?:;()\u2013\u2014")


@lru_cache(maxsize=200_000)
def _fold(word: str) -> str:
    """Lower case without apostrophes or hyphens: "Co-located" -> "colocated"."""
    return word.lower().replace("'", "").replace("’", "").replace("-", "")


_SUFFIXES = ("ings", "ing", "ers", "er", "ies", "ed", "s")


@lru_cache(maxsize=200_000)
def _term(word: str) -> str:
    """A folded word as a TF-IDF term: synonyms mapped, then a light stem ("responders" and
    "responding" both become "respond"; a stem keeps at least four letters)."""
    word = SYNONYMS.get(word, word)
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    return SYNONYMS.get(word, word)


def _name_key(words: Iterable[str]) -> str:
    return " ".join(w.lower().replace("'", "").replace("’", "").replace("-", " ") for w in words)


@cache
def _register_names() -> tuple[str, ...]:
    """Names and aliases of every register organisation (read from the register's own CSV)."""
    with open(ORGANISATIONS_CSV, newline="", encoding="utf-8") as handle:
        names = []
        for row in csv.DictReader(handle):
            names.append(row["name"])
            names.extend(a.strip() for a in row["aliases"].split(";") if a.strip())
    return tuple(names)


@cache
def _theme_parents() -> dict[str, str]:
    with open(THEMES_CSV, newline="", encoding="utf-8") as handle:
        return {row["theme_code"]: row["parent_code"] or row["theme_code"] for row in csv.DictReader(handle)}


@cache
def _taxonomy_words() -> frozenset[str]:
    with open(THEMES_CSV, newline="", encoding="utf-8") as handle:
        return frozenset(
            _fold(w) for row in csv.DictReader(handle) for w in re.findall(r"[A-Za-z\-]+", row["theme_name"])
        )


@cache
def _gazetteer() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Known towns by first word ("Newcastle" -> ("Newcastle", "upon", "Tyne")), longest first."""
    from bluelight.demo.places import TOWNS

    phrases: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for towns in TOWNS.values():
        for town in towns:
            words = tuple(m.group() for m in _TOKEN_RE.finditer(town))
            phrases[words[0]].append(words)
    return {first: tuple(sorted(set(p), key=len, reverse=True)) for first, p in phrases.items()}


class _OrganisationNames:
    """Finds organisation names and aliases in text, so their words are not taken for places."""

    def __init__(self, names: Iterable[str]):
        phrases: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        self.words: set[str] = set()
        for name in names:
            words = tuple(_fold(m.group()) for m in _TOKEN_RE.finditer(name) if m.group() not in _BREAKS)
            words = tuple(w for w in words if w)
            if words:
                phrases[words[0]].add(words)
                self.words.update(words)
        self.phrases = {first: sorted(p, key=len, reverse=True) for first, p in phrases.items()}

    def mask(self, folded: list[str]) -> list[bool]:
        """True for each word that is part of an organisation's name."""
        masked = [False] * len(folded)
        i = 0
        while i < len(folded):
            for phrase in self.phrases.get(folded[i], ()):
                if tuple(folded[i : i + len(phrase)]) == phrase:
                    for j in range(i, i + len(phrase)):
                        masked[j] = True
                    i += len(phrase) - 1
                    break
            i += 1
        return masked


@dataclass
class _Text:
    """One text cut into what it is about (terms) and the places and names it mentions."""

    terms: list[str]
    names: set[str]
    shown: dict[str, str]  # name key -> the name as written, for explanations
    # Capitalised runs at the start of a sentence: names only if used as names elsewhere in the
    # round. (key, as written, the terms they would otherwise count as)
    initial: list[tuple[str, str, list[str]]] = field(default_factory=list)

    def settle(self, known_names: set[str]) -> "_Text":
        """Take the sentence-initial runs that the round uses as names elsewhere for names too."""
        for key, written, terms in self.initial:
            if key in known_names:
                self.names.add(key)
                self.shown.setdefault(key, written)
                for term in terms:
                    self.terms.remove(term)
        self.initial = []
        return self


def _analyse(text: str, organisations: _OrganisationNames, lowercase_words: set[str]) -> _Text:
    tokens = [m.group() for m in _TOKEN_RE.finditer(text or "")]
    words, starts = [], []
    sentence_start = True
    for token in tokens:
        if token in _BREAKS:
            sentence_start = True
            continue
        words.append(token)
        starts.append(sentence_start)
        sentence_start = False
    folded = [_fold(w) for w in words]
    in_org = organisations.mask(folded)
    gazetteer = _gazetteer()
    is_name = [False] * len(words)
    names: set[str] = set()
    shown: dict[str, str] = {}
    initial_runs: list[tuple[str, str, int, int]] = []
    i = 0
    while i < len(words):
        if in_org[i]:
            i += 1
            continue
        found = next(
            (
                p
                for p in gazetteer.get(words[i], ())
                if tuple(words[i : i + len(p)]) == p and not any(in_org[i : i + len(p)])
            ),
            None,
        )
        if found:
            key = _name_key(found)
            names.add(key)
            shown.setdefault(key, " ".join(found))
            for j in range(i, i + len(found)):
                is_name[j] = True
            i += len(found)
            continue
        # The generic rule: a run of capitalised words that are not common words, not words of an
        # organisation's name, and not merely capitalised because they start a sentence (unless the
        # same word is used as a name elsewhere in the round).
        j = i
        while j < len(words) and _is_name_word(words[j], folded[j], in_org[j], organisations, lowercase_words):
            j += 1
        if j > i:
            run = words[i:j]
            key = _name_key(run)
            if starts[i]:
                initial_runs.append((key, " ".join(run), i, j))
            else:
                names.add(key)
                shown.setdefault(key, " ".join(run))
                for k in range(i, j):
                    is_name[k] = True
            i = j
            continue
        i += 1

    def term_of(k: int) -> str | None:
        word = folded[k]
        if is_name[k] or in_org[k] or not word or word in STOP_WORDS:
            return None
        return _term(word)

    terms = [t for t in (term_of(k) for k in range(len(words))) if t is not None]
    initial = [(key, written, [t for t in map(term_of, range(i, j)) if t]) for key, written, i, j in initial_runs]
    return _Text(terms, names, shown, initial)


def _is_name_word(word: str, folded: str, in_org: bool, organisations: _OrganisationNames, lowercase: set[str]) -> bool:
    if in_org or not word[0].isupper() or (word.isupper() and len(word) <= 5):
        return False  # lower case, or an acronym (CPR, HR, ICT, an organisation's initials)
    if folded in COMMON_WORDS or folded in STOP_WORDS or folded in _taxonomy_words() or folded in organisations.words:
        return False
    return folded not in lowercase


def _tfidf(docs: list[list[str]], df: dict[str, int], n: int) -> list[dict[str, float]]:
    vectors = []
    for doc in docs:
        counts: dict[str, int] = defaultdict(int)
        for term in doc:
            counts[term] += 1
        vector = {t: (1 + math.log(c)) * (math.log((1 + n) / (1 + df.get(t, 0))) + 1) for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values()))
        vectors.append({t: v / norm for t, v in vector.items()} if norm else {})
    return vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    # The key intersection runs in C; unrelated texts share few terms, so the sum is short.
    return sum([a[t] * b[t] for t in a.keys() & b.keys()])


def _char_grams(terms: list[str]) -> list[str]:
    grams = []
    for term in terms:
        padded = f" {term} "
        for size in (3, 4):
            grams.extend(padded[k : k + size] for k in range(len(padded) - size + 1))
    return grams


def _name_words(names: set[str]) -> set[str]:
    return {w for name in names for w in name.split() if w not in COMMON_WORDS and w not in STOP_WORDS}


@dataclass
class _Node:
    """One item or existing collaboration, with its features computed once."""

    index: int
    item: MatchItem
    title_words: dict[str, float]
    title_chars: dict[str, float]
    description: dict[str, float]
    names: set[str]  # places and names in the title and the description ("newcastle upon tyne")
    name_words: set[str]  # their distinctive words ("newcastle", "tyne")
    title_name_words: set[str]  # the same, from the title alone
    shown: dict[str, str]
    theme_parent: str | None
    stage: str | None


def _features(nodes: list[MatchItem], organisation_names: Iterable[str] | None) -> list[_Node]:
    organisations = _OrganisationNames(_register_names() if organisation_names is None else organisation_names)
    lowercase: set[str] = set()
    for node in nodes:
        for text in (node.title, node.description):
            lowercase.update(_fold(m.group()) for m in _TOKEN_RE.finditer(text or "") if m.group()[0].islower())
    titles = [_analyse(n.title, organisations, lowercase) for n in nodes]
    descriptions = [_analyse(n.description, organisations, lowercase) for n in nodes]
    known_names = {name for text in titles + descriptions for name in text.names}
    for text in titles + descriptions:
        text.settle(known_names)
    grams = [_char_grams(t.terms) for t in titles]
    word_df: dict[str, int] = defaultdict(int)
    for doc in [t.terms for t in titles] + [d.terms for d in descriptions]:
        for term in set(doc):
            word_df[term] += 1
    gram_df: dict[str, int] = defaultdict(int)
    for doc in grams:
        for gram in set(doc):
            gram_df[gram] += 1
    n_docs = 2 * len(nodes)
    title_words = _tfidf([t.terms for t in titles], word_df, n_docs)
    description_words = _tfidf([d.terms for d in descriptions], word_df, n_docs)
    title_chars = _tfidf(grams, gram_df, len(nodes))
    parents = _theme_parents()
    features = []
    for k, node in enumerate(nodes):
        features.append(
            _Node(
                index=k,
                item=node,
                title_words=title_words[k],
                title_chars=title_chars[k],
                description=description_words[k],
                names=titles[k].names | descriptions[k].names,
                name_words=_name_words(titles[k].names | descriptions[k].names),
                title_name_words=_name_words(titles[k].names),
                shown={**descriptions[k].shown, **titles[k].shown},
                theme_parent=parents.get(node.theme, node.theme) if node.theme else None,
                stage=_STATUS_STAGE.get(node.status),
            )
        )
    return features


# ---------------------------------------------------------------------------------------------
# Scoring one pair


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z > -500 else 0.0


def _evidence(a: _Node, b: _Node) -> list[tuple[float, str, tuple]]:
    """The weighted evidence about a pair: (log-odds contribution, kind, details for the phrase)."""
    x, y = a.item, b.item
    found: list[tuple[float, str, tuple]] = []
    if x.known_collaboration is not None or y.known_collaboration is not None:
        known_x = x.known_collaboration if x.collaboration is None else x.collaboration
        known_y = y.known_collaboration if y.collaboration is None else y.collaboration
        if known_x is not None and known_x == known_y:
            return [(math.inf, "known", (known_x,))]
    shared = len(x.partners & y.partners)
    union = len(x.partners | y.partners)
    found.append((W_PARTNERS * ((shared / union if union else 0.0) - 0.5), "partners", (shared, union)))
    if x.reporter is not None or y.reporter is not None:
        if (x.reporter is None or x.reporter in y.partners) and (y.reporter is None or y.reporter in x.partners):
            found.append((W_MUTUAL, "mutual", (x.reporter is not None and y.reporter is not None,)))
        else:
            found.append((W_NOT_MUTUAL, "not_mutual", ()))
    if a.title_words and b.title_words:
        title = 0.5 * _cosine(a.title_words, b.title_words) + 0.5 * _cosine(a.title_chars, b.title_chars)
        found.append((W_TITLE * (title - TITLE_PIVOT), "title", (title,)))
    if a.description and b.description:
        description = _cosine(a.description, b.description)
        found.append((W_DESCRIPTION * (description - DESCRIPTION_PIVOT), "description", (description,)))
    if a.title_name_words and b.title_name_words:
        words_a, words_b = a.title_name_words, b.title_name_words
    else:
        words_a, words_b = a.name_words, b.name_words
    if words_a and words_b:
        common = words_a & words_b
        if common and (words_a <= words_b or words_b <= words_a):
            found.append((W_SAME_PLACE, "same_place", (common,)))
        else:
            # Nothing in common, or each names something the other does not ("Operation Ivy,
            # Epsom" and "Operation Ivy, Woking").
            found.append((W_DIFFERENT_PLACE, "different_place", (words_a - words_b, words_b - words_a)))
    if x.theme and y.theme:
        if x.theme == y.theme:
            found.append((W_SAME_THEME, "same_theme", ()))
        elif a.theme_parent == b.theme_parent:
            found.append((W_SIBLING_THEME, "sibling_theme", ()))
        else:
            found.append((W_OTHER_THEME, "other_theme", ()))
    if x.start_year and y.start_year:
        gap = abs(x.start_year - y.start_year)
        if gap == 0:
            found.append((W_SAME_YEAR, "same_year", ()))
        elif gap == 2:
            found.append((W_TWO_YEARS, "years", ()))
        elif gap > 2:
            found.append((W_FAR_YEARS, "years", ()))
    if a.stage and b.stage and a.stage != b.stage and {a.stage, b.stage} == {"future", "ended"}:
        found.append((W_STATUS_CONFLICT, "status", ()))
    return found


def _places(node: _Node, words: set[str]) -> str:
    """The names of a node that contain these words, as written."""
    return ", ".join(sorted({node.shown[k] for k in node.names if set(k.split()) & words}))


def _phrase(kind: str, details: tuple, a: _Node, b: _Node) -> str:
    x, y = a.item, b.item
    if kind == "known":
        return f"pre-filled from collaboration {details[0]}"
    if kind == "partners":
        shared, union = details
        return f"same {shared} partners" if shared == union else f"{shared} of {union} partners shared"
    if kind == "mutual":
        return "each lists the other as a partner" if details[0] else "the reporter is a partner"
    if kind == "not_mutual":
        return "a reporter is missing from the other's partners"
    if kind == "title":
        value = details[0]
        return f"titles {value:.2f} similar" if value >= TITLE_PIVOT else f"titles differ ({value:.2f} similar)"
    if kind == "description":
        value = details[0]
        if value >= DESCRIPTION_PIVOT:
            return f"descriptions {value:.2f} similar"
        return f"descriptions differ ({value:.2f} similar)"
    if kind == "same_place":
        return f"both name {_places(a, details[0])}"
    if kind == "different_place":
        return f"different place ({_places(a, details[0])} vs {_places(b, details[1])})"
    if kind == "same_theme":
        return "same theme"
    if kind == "sibling_theme":
        return f"sibling themes ({x.theme}, {y.theme})"
    if kind == "other_theme":
        return f"different themes ({x.theme}, {y.theme})"
    if kind == "same_year":
        return "same start year"
    if kind == "years":
        return f"start years {x.start_year} and {y.start_year}"
    return f"statuses conflict ({x.status}, {y.status})"


def _pair_score(a: _Node, b: _Node) -> float:
    z = BIAS
    for value, _kind, _details in _evidence(a, b):
        z += value
    return 1.0 if z == math.inf else _sigmoid(z)


def _explain(a: _Node, b: _Node, *, against: bool = False, limit: int = 3) -> str:
    """The strongest evidence for (or, with `against`, against) a pair, in plain language."""
    evidence = sorted(_evidence(a, b), key=lambda e: e[0], reverse=not against)
    chosen = [e for e in evidence if (e[0] < 0 if against else e[0] > 0)][:limit] or evidence[:1]
    return "; ".join(_phrase(kind, details, a, b) for _value, kind, details in chosen)


# ---------------------------------------------------------------------------------------------
# Blocking


def _partner_pairs(partners: frozenset[int]) -> list[tuple[int, int]]:
    ordered = sorted(partners)
    return [(p, q) for i, p in enumerate(ordered) for q in ordered[i + 1 :]]


def _comparable(a: MatchItem, b: MatchItem) -> bool:
    """Pairs that could ever be one collaboration: not two existing ones, not one return or reporter twice."""
    if a.collaboration is not None and b.collaboration is not None:
        return False
    if a.return_id is not None and a.return_id == b.return_id:
        return False
    return not (a.reporter is not None and a.reporter == b.reporter)


def _nearest_in_block(members: list[int], nodes: list[_Node], limit: int) -> set[tuple[int, int]]:
    """For a large block: each member with its `limit` members most alike by title words."""
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for m in members:
        for term, weight in nodes[m].title_words.items():
            postings[term].append((m, weight))
    pairs: set[tuple[int, int]] = set()
    for m in members:
        overlap: dict[int, float] = defaultdict(float)
        for term, weight in nodes[m].title_words.items():
            for other, other_weight in postings[term]:
                overlap[other] += weight * other_weight
        overlap.pop(m, None)
        best = heapq.nlargest(limit, overlap, key=lambda o: (overlap[o], -o)) if len(overlap) > limit else overlap
        pairs.update((m, o) if m < o else (o, m) for o in best)
    return pairs


def _candidate_pairs(nodes: list[_Node], stats: dict) -> set[tuple[int, int]]:
    blocks: dict[tuple[int, int], list[int]] = defaultdict(list)
    for node in nodes:
        for pair in _partner_pairs(node.item.partners):
            blocks[pair].append(node.index)
    pairs: set[tuple[int, int]] = set()
    large = 0
    for members in blocks.values():
        if len(members) < 2:
            continue
        if len(members) > LARGE_BLOCK:
            large += 1
            pairs |= _nearest_in_block(members, nodes, NEIGHBOURS)
        else:
            for i, m in enumerate(members):
                pairs.update((m, o) if m < o else (o, m) for o in members[i + 1 :])
    # Reports pre-filled from one collaboration are compared whatever partners they list.
    by_known: dict[int, list[int]] = defaultdict(list)
    for node in nodes:
        known = node.item.known_collaboration if node.item.collaboration is None else node.item.collaboration
        if known is not None:
            by_known[known].append(node.index)
    for members in by_known.values():
        for i, m in enumerate(members):
            pairs.update((m, o) if m < o else (o, m) for o in members[i + 1 :])
    kept = {(i, j) for i, j in pairs if _comparable(nodes[i].item, nodes[j].item)}
    stats.update(blocks=sum(1 for m in blocks.values() if len(m) > 1), large_blocks=large, comparisons=len(kept))
    return kept


def _relevant_existing(items: list[MatchItem], existing: Iterable[MatchItem]) -> list[MatchItem]:
    """Existing collaborations that share a partner pair with some item, or that an item was pre-filled from."""
    pairs = {pair for item in items for pair in _partner_pairs(item.partners)}
    known = {item.known_collaboration for item in items if item.known_collaboration is not None}
    return [
        e for e in existing if e.collaboration in known or any(pair in pairs for pair in _partner_pairs(e.partners))
    ]


# ---------------------------------------------------------------------------------------------
# Clustering


@dataclass
class _Group:
    members: list[int]
    returns: set[int]
    reporters: set[int]
    collaborations: set[int]  # existing collaborations in the group, and those its items were pre-filled from
    existing: int | None  # index of the existing collaboration node in the group
    links: list[tuple[int, int, float]]


def _group_of(node: _Node) -> _Group:
    item = node.item
    collaborations = {c for c in (item.known_collaboration, item.collaboration) if c is not None}
    return _Group(
        members=[node.index],
        returns={item.return_id} if item.return_id is not None else set(),
        reporters={item.reporter} if item.reporter is not None else set(),
        collaborations=collaborations,
        existing=node.index if item.collaboration is not None else None,
        links=[],
    )


def _may_join(a: _Group, b: _Group, scores: dict[tuple[int, int], float]) -> bool:
    """The cannot-link rules, then a veto: no two members may clearly contradict each other."""
    if a.returns & b.returns or a.reporters & b.reporters:
        return False
    if a.existing is not None and b.existing is not None:
        return False
    if len(a.collaborations | b.collaborations) > 1:
        return False
    for i in a.members:
        for j in b.members:
            if scores.get((i, j) if i < j else (j, i), 1.0) < VETO:
                return False
    return True


def cluster_items(
    items: list[MatchItem],
    existing: Iterable[MatchItem] = (),
    *,
    threshold: float = 0.5,
    organisation_names: Iterable[str] | None = None,
    stats: dict | None = None,
) -> list[ProposedCluster]:
    """Group reports of the same collaboration, and attach the existing collaboration each group updates.

    Every item is in exactly one returned cluster (singletons included); an existing
    collaboration is attached to at most one cluster and never returned on its own.
    `organisation_names` are names and aliases whose words are never taken for places (default:
    the register's); `stats`, when given, is filled with the blocking figures (how many pairs
    were compared, how many blocks, how many were large).
    """
    stats = {} if stats is None else stats
    items = list(items)
    relevant = _relevant_existing(items, existing)
    nodes = _features(items + relevant, organisation_names)
    pairs = _candidate_pairs(nodes, stats)
    scores = {pair: _pair_score(nodes[pair[0]], nodes[pair[1]]) for pair in pairs}
    stats.update(items=len(items), existing=len(relevant))

    groups = {node.index: _group_of(node) for node in nodes}
    owner = list(range(len(nodes)))

    def find(i: int) -> int:
        while owner[i] != i:
            owner[i] = owner[owner[i]]
            i = owner[i]
        return i

    ranked = sorted(((s, i, j) for (i, j), s in scores.items() if s >= threshold), key=lambda t: (-t[0], t[1], t[2]))
    for score, i, j in ranked:
        root_i, root_j = find(i), find(j)
        if root_i == root_j:
            continue
        a, b = groups[root_i], groups[root_j]
        if not _may_join(a, b, scores):
            continue
        if len(a.members) < len(b.members):
            root_i, root_j, a, b = root_j, root_i, b, a
        owner[root_j] = root_i
        a.members += b.members
        a.returns |= b.returns
        a.reporters |= b.reporters
        a.collaborations |= b.collaborations
        a.existing = a.existing if a.existing is not None else b.existing
        a.links += b.links + [(i, j, score)]
        del groups[root_j]

    best_rejected: dict[int, tuple[float, int]] = {}
    for (i, j), s in scores.items():
        if find(i) != find(j):
            for me, other in ((i, j), (j, i)):
                if s > best_rejected.get(me, (-1.0, -1))[0]:
                    best_rejected[me] = (s, other)

    def kept_apart(me: int, other: int) -> str:
        """Why a report stayed alone although a pair with it scored above the threshold."""
        mine, theirs = groups[find(me)], groups[find(other)]
        if mine.returns & theirs.returns or mine.reporters & theirs.reporters:
            return "its cluster already has a report from the same organisation"
        if mine.existing is not None and theirs.existing is not None:
            return "each matches a different existing collaboration"
        if len(mine.collaborations | theirs.collaborations) > 1:
            return "pre-filled from different collaborations"
        return "another report in its cluster contradicts this one"

    n_items = len(items)
    proposed = []
    claimed: set[int] = set()
    for root in sorted(groups, key=lambda r: min(groups[r].members)):
        group = groups[root]
        members = sorted(m for m in group.members if m < n_items)
        if not members:
            continue  # an existing collaboration no report matched
        proposed.append(_proposal(group, members, nodes, best_rejected, claimed, threshold, kept_apart))
    return proposed


def _proposal(
    group: _Group,
    members: list[int],
    nodes: list[_Node],
    best_rejected: dict[int, tuple[float, int]],
    claimed: set[int],
    threshold: float,
    kept_apart,
) -> ProposedCluster:
    """The cluster as the analyst sees it: its score (the weakest link used, or for a report left
    alone the certainty that it is alone) and the evidence behind it in plain language."""
    existing = None
    if group.existing is not None:
        existing = nodes[group.existing].item.collaboration
    elif group.collaborations:
        existing = next(iter(group.collaborations))  # pre-filled from a collaboration not passed in
    if existing in claimed:
        existing = None
    if existing is not None:
        claimed.add(existing)
    keys = [nodes[m].item.key for m in members]
    pair_scores = {(nodes[i].item.key, nodes[j].item.key): s for i, j, s in group.links}
    if group.links:
        weakest = min(group.links, key=lambda link: link[2])
        i, j, score = weakest
        reports = f"{len(members)} reports" if len(members) > 1 else "1 report"
        explanation = f"{reports}: {_explain(nodes[i], nodes[j])}"
        if group.existing is not None:
            explanation += f"; matches existing collaboration {existing} '{nodes[group.existing].item.title}'"
        elif existing is not None:
            explanation += f"; pre-filled from collaboration {existing}"
        return ProposedCluster(keys, existing, score, explanation, pair_scores)
    (only,) = members
    rejected = best_rejected.get(only)
    if existing is not None:
        return ProposedCluster(keys, existing, 1.0, f"pre-filled from collaboration {existing}", pair_scores)
    if rejected is None:
        return ProposedCluster(
            keys, None, 1.0, "alone: no report from another organisation shares two of its partners", pair_scores
        )
    score, other = rejected
    if score >= threshold:
        reason = kept_apart(only, other)
    else:
        reason = _explain(nodes[only], nodes[other], against=True, limit=2)
    what = "existing collaboration" if nodes[other].item.collaboration is not None else ""
    closest = f"{what} '{nodes[other].item.title}'".strip()
    return ProposedCluster(keys, None, 1 - score, f"alone: closest is {closest} ({score:.2f}): {reason}", pair_scores)


# ---------------------------------------------------------------------------------------------
# The plain baseline: title similarity alone


# The baseline's threshold is its best pairwise F1 on development sets (demo seeds 5, 6, 7, 11
# and 99), not on the evaluation set, so that the yardstick is as strong as it can fairly be.
BASELINE_THRESHOLD = 0.875


def title_baseline_clusters(
    items: list[MatchItem], *, threshold: float = BASELINE_THRESHOLD, one_per_return: bool = False
) -> list[ProposedCluster]:
    """Group items whose titles are alike (word and character TF-IDF), and nothing else: the yardstick.

    No partners, places, themes, dates or constraints; with `one_per_return` it keeps the one rule
    of the data (one return never contributes two items to a cluster), to show how much of the
    matcher's lead that rule alone gives. Candidates come from an inverted index on title words
    with prefix filtering, so the cost stays far below comparing every pair.
    """
    items = list(items)
    # The baseline keeps every word of the title, places included.
    docs = [[_term(_fold(m.group())) for m in _TOKEN_RE.finditer(i.title) if m.group() not in _BREAKS] for i in items]
    docs = [[t for t in d if t and t not in STOP_WORDS] for d in docs]
    df: dict[str, int] = defaultdict(int)
    for doc in docs:
        for t in set(doc):
            df[t] += 1
    words = _tfidf(docs, df, len(docs))
    grams_docs = [_char_grams(d) for d in docs]
    gdf: dict[str, int] = defaultdict(int)
    for doc in grams_docs:
        for g in set(doc):
            gdf[g] += 1
    chars = _tfidf(grams_docs, gdf, len(docs))
    # The title score averages the word and character cosines, so a pair can reach the threshold
    # only if its word cosine reaches 2 x threshold - 1. Prefix filtering (Bayardo et al., "Scaling
    # up all pairs similarity search", 2007) finds every such pair without comparing all of them:
    # each title is indexed only by its rarest words, until the words left out weigh less than
    # that bound, so two titles that share none of those words cannot reach it.
    bound = max(0.0, 2 * threshold - 1)
    index: dict[str, list[int]] = defaultdict(list)
    for k, vector in enumerate(words):
        left = sum(w * w for w in vector.values())
        for t in sorted(vector, key=lambda term: (df[term], term)):
            if left < bound * bound and bound > 0:
                break
            index[t].append(k)
            left -= vector[t] ** 2
    scores: dict[tuple[int, int], float] = {}
    seen: set[tuple[int, int]] = set()
    for k, vector in enumerate(words):
        candidates = {other for t in vector for other in index.get(t, ()) if other != k}
        for other in candidates:
            pair = (k, other) if k < other else (other, k)
            if pair in seen:
                continue
            seen.add(pair)
            word_cos = _cosine(vector, words[other])
            if word_cos < bound:
                continue
            s = 0.5 * word_cos + 0.5 * _cosine(chars[k], chars[other])
            if s >= threshold and (not one_per_return or _comparable(items[k], items[other])):
                scores[pair] = s
    owner = list(range(len(items)))
    returns = {k: ({i.return_id} if i.return_id is not None else set()) for k, i in enumerate(items)}
    members = {k: [k] for k in range(len(items))}
    links: dict[int, list[tuple[int, int, float]]] = {k: [] for k in range(len(items))}

    def find(i: int) -> int:
        while owner[i] != i:
            owner[i] = owner[owner[i]]
            i = owner[i]
        return i

    for (i, j), s in sorted(scores.items(), key=lambda e: (-e[1], e[0])):
        a, b = find(i), find(j)
        if a == b or (one_per_return and returns[a] & returns[b]):
            continue
        owner[b] = a
        members[a] += members.pop(b)
        returns[a] |= returns.pop(b)
        links[a] += links.pop(b) + [(i, j, s)]
    proposed = []
    for root in sorted(members, key=lambda r: min(members[r])):
        keys = [items[m].key for m in sorted(members[root])]
        used = links[root]
        score = min((s for _i, _j, s in used), default=1.0)
        explanation = f"titles {score:.2f} similar" if used else "alone: no title alike"
        proposed.append(
            ProposedCluster(keys, None, score, explanation, {(items[i].key, items[j].key): s for i, j, s in used})
        )
    return proposed
