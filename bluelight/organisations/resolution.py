"""Organisation name resolution: exact code or name, alias, then fuzzy, with a score and alternatives.

Used wherever a person types an organisation (returns, commands, forms). Build one `Resolver`
and call it many times when resolving a whole file; `resolve()` is the one-off shortcut.

Short aliases collide (HFRS is Hampshire, Hertfordshire and Humberside), so an ambiguous name is
settled only by context: the date (merged bodies give way to their successor) and the area of
the organisations around it (the reporting organisation, the other partners). Otherwise the
answer says the name is ambiguous rather than guessing.
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from bluelight.organisations.models import Organisation, OrganisationType

# A fuzzy match is accepted at this score when the next organisation is at least MARGIN behind.
ACCEPT_SCORE = 88
MARGIN = 4
# Below this, a name is not offered as "did you mean".
SUGGEST_SCORE = 60

# Common short forms in returns, expanded so that fuzzy scores compare like with like.
_EXPANSIONS = {
    "frs": "fire and rescue service",
    "fras": "fire and rescue service",
    "fra": "fire and rescue authority",
    "nhs ft": "nhs foundation trust",
    "f and rs": "fire and rescue service",
    "fire service": "fire and rescue service",
    "constab": "constabulary",
    "amb": "ambulance",
    "ambo": "ambulance",
    "hants": "hampshire",
    "herts": "hertfordshire",
    "beds": "bedfordshire",
    "bucks": "buckinghamshire",
    "cambs": "cambridgeshire",
    "glos": "gloucestershire",
    "lancs": "lancashire",
    "leics": "leicestershire",
    "lincs": "lincolnshire",
    "northants": "northamptonshire",
    "notts": "nottinghamshire",
    "oxon": "oxfordshire",
    "staffs": "staffordshire",
    "wilts": "wiltshire",
    "iow": "isle of wight",
    "mids": "midlands",
    "yorks": "yorkshire",
}

# Words that say what kind of body a name is, not where: scored apart from the place words.
_KIND_WORDS = {
    "police": "police",
    "constabulary": "police",
    "fire": "fire",
    "rescue": "fire",
    "brigade": "fire",
    "ambulance": "ambulance",
    "paramedic": "ambulance",
    "commissioner": "commissioner",
    "pcc": "commissioner",
    "opcc": "commissioner",
    "pfcc": "commissioner",
    "opfcc": "commissioner",
    "mayor": "commissioner",
    "council": "council",
    "borough": "council",
    "district": "council",
    "nhs": "nhs",
    "hospital": "nhs",
    "icb": "nhs",
}
_FILLER_WORDS = {
    "and",
    "of",
    "the",
    "for",
    "service",
    "services",
    "trust",
    "foundation",
    "university",
    "authority",
    "crime",
    "office",
    "force",
    "combined",
    "policing",
    "functions",
}
_KINDS_OF_TYPE = {
    OrganisationType.POLICE_FORCE: {"police"},
    OrganisationType.FIRE_AND_RESCUE: {"fire"},
    OrganisationType.AMBULANCE_TRUST: {"ambulance", "nhs"},
    OrganisationType.POLICE_AND_CRIME_COMMISSIONER: {"commissioner"},
    OrganisationType.COUNCIL: {"council"},
    OrganisationType.NHS_BODY: {"nhs"},
}
_VOCABULARY = [w for w in [*_KIND_WORDS, *_FILLER_WORDS] if len(w) >= 5]

# A name that says it is a fire service loses this much against a police force of the same place.
KIND_MISMATCH_PENALTY = 25
# Each place word of the name that the candidate lacks costs this much: "Surrey Search and Rescue"
# is not Surrey Fire and Rescue Service, though a name may leave words out ("Manchester" police).
MISSING_WORD_PENALTY = 15
WORD_MATCH = 85


def _vocabulary_word(word: str) -> str:
    """A misspelt kind or filler word ("servce", "polise") read as the word meant; others unchanged."""
    if word in _KIND_WORDS or word in _FILLER_WORDS or len(word) < 5:
        return word
    best = process.extractOne(word, _VOCABULARY, scorer=fuzz.ratio, score_cutoff=WORD_MATCH - 5)
    return best[0] if best else word


def split_name(key: str) -> tuple[str, set[str]]:
    """(the place words, the kinds of body named) of a normalised, expanded name."""
    words = [_vocabulary_word(w) for w in key.split()]
    kinds = {_KIND_WORDS[w] for w in words if w in _KIND_WORDS}
    if "commissioner" in kinds:
        kinds = {"commissioner"}  # "Police, Fire and Crime Commissioner" names a commissioner
    place = " ".join(w for w in words if w not in _KIND_WORDS and w not in _FILLER_WORDS)
    return place, kinds


_INITIALS_SKIPPED = {"and", "of", "the", "for"}
_INITIALS_RE = re.compile(r"[A-Z]{3,6}")
_BRACKETS_RE = re.compile(r"\([^)]*\)")
_EXPANSION_RE = re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(_EXPANSIONS, key=len, reverse=True)) + r")\b")


def normalise(text: str) -> str:
    """Lower case, '&' as 'and', punctuation dropped, white space folded."""
    text = str(text).lower().replace("&", " and ")
    text = re.sub(r"['’`]", "", text)
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def expand(text: str) -> str:
    return " ".join(_EXPANSION_RE.sub(lambda m: _EXPANSIONS[m[1]], normalise(text)).split())


@dataclass
class Candidate:
    organisation: Organisation
    score: int

    def as_json(self) -> dict:
        return {"id": self.organisation.slug, "name": self.organisation.name, "score": self.score}


@dataclass
class Resolution:
    query: str
    match: Organisation | None
    score: int
    alternatives: list[Candidate] = field(default_factory=list)
    status: str = "not_found"  # matched, ambiguous or not_found
    reason: str = ""

    @property
    def message(self) -> str:
        """What to tell the person who typed the name."""
        names = "; ".join(c.organisation.name for c in self.alternatives[:3])
        if self.status == "matched":
            return _("%(query)s is %(name)s.") % {"query": self.query, "name": self.match.name}
        if self.status == "ambiguous":
            return _("%(query)s could be several organisations (%(names)s): use the full name or the code.") % {
                "query": self.query,
                "names": names,
            }
        if names:
            return _("%(query)s is not in the register. Did you mean: %(names)s?") % {
                "query": self.query,
                "names": names,
            }
        return _("%(query)s is not in the register: check the spelling, or ask an analyst to add it.") % {
            "query": self.query
        }

    def as_json(self) -> dict:
        match = None
        if self.match is not None:
            match = {
                "id": self.match.slug,
                "name": self.match.name,
                "code": self.match.official_code,
                "type": self.match.type,
            }
        return {
            "query": self.query,
            "match": match,
            "score": self.score,
            "alternatives": [c.as_json() for c in self.alternatives],
            "status": self.status,
        }


class Resolver:
    """An in-memory index of the register, built once and used for many names."""

    def __init__(self, organisations: Iterable[Organisation]):
        self.organisations: dict[int, Organisation] = {}
        self.areas: dict[int, set[int]] = {}
        self.exact: dict[str, set[int]] = defaultdict(set)
        self.codes: dict[str, set[int]] = defaultdict(set)
        # (reporting organisation, name) -> organisations: aliases an analyst settled for one reporter.
        self.scoped: dict[tuple[int, str], set[int]] = defaultdict(set)
        places: dict[str, set[int]] = defaultdict(set)
        for org in organisations:
            self.organisations[org.pk] = org
            self.areas[org.pk] = {a.pk for a in org.police_force_areas.all()}
            aliases = list(org.aliases.all())
            for alias in aliases:
                if alias.reporter_id is not None:
                    for key in {normalise(alias.name), expand(alias.name)}:
                        self.scoped[(alias.reporter_id, key)].add(org.pk)
            for text in [org.name, *(a.name for a in aliases if a.reporter_id is None)]:
                for key in {normalise(text), expand(text)}:
                    self.exact[key].add(org.pk)
                place, _kinds = split_name(expand(text))
                if place:
                    places[place].add(org.pk)
            self.exact[normalise(org.slug.replace("_", " "))].add(org.pk)
            if org.official_code:
                self.codes[org.official_code.upper()].add(org.pk)
        self._places = list(places)
        self._place_owners = [places[p] for p in self._places]
        # Initials of each full name ("CFB", Cleveland Fire Brigade): a short name returns often use
        # that the register does not list; taken only when nothing else matches.
        self.initials: dict[str, set[int]] = defaultdict(set)
        for org in self.organisations.values():
            letters = "".join(w[0] for w in normalise(org.name).split() if w not in _INITIALS_SKIPPED)
            if len(letters) >= 3:
                self.initials[letters].add(org.pk)

    @classmethod
    def from_db(cls) -> "Resolver":
        return cls(Organisation.objects.prefetch_related("aliases", "police_force_areas").select_related("successor"))

    def names_for(self, name: str) -> set[int]:
        """Organisations whose code, name or (unscoped) alias is exactly `name`."""
        query = " ".join(str(name).split())
        return (
            self.codes.get(query.upper().replace(" ", ""), set())
            | self.exact.get(normalise(query), set())
            | self.exact.get(expand(query), set())
        )

    def _body_on(self, pk: int, day: datetime.date) -> int:
        """The organisation that did this one's work on `day` (itself, or its successor after a merger)."""
        org, seen = self.organisations[pk], set()
        while not org.is_valid_on(day) and org.successor_id in self.organisations and org.pk not in seen:
            seen.add(org.pk)
            org = self.organisations[org.successor_id]
        return org.pk

    def _areas_of(self, orgs: Iterable[Organisation]) -> set[int]:
        areas: set[int] = set()
        for org in orgs:
            areas |= self.areas.get(org.pk) or {a.pk for a in org.police_force_areas.all()}
        return areas

    def _settle(
        self,
        leaders: list[int],
        *,
        query: str,
        reporter: Organisation | None,
        others: list[Organisation],
    ) -> tuple[list[int], str]:
        """Narrow tied candidates by context; one left means settled, several means still ambiguous.

        Areas first, nearest first: the area the reporter shares with the row's other partners,
        then the reporter's own area, then anywhere in the row's areas. The first of these that
        holds any candidate decides: one candidate is the answer, and two or more (two services
        that fit the same short name inside it) stay ambiguous rather than look further afield.
        Then the kind: a bare place ("Gwent", "Hants") in a row whose organisations are all of
        one type means the body of that type.
        """
        if reporter is not None:
            mine, theirs = self._areas_of([reporter]), self._areas_of(others)
            levels = [mine & theirs, mine, mine | theirs]
        else:
            levels = [self._areas_of(others)]
        # Nobody lists a partner twice: a short name does not stand for a partner the row names in full.
        named = {o.pk for o in others}
        unnamed = [pk for pk in leaders if pk not in named]
        if unnamed and len(unnamed) < len(leaders):
            leaders = unnamed
            if len(leaders) == 1:
                return leaders, "context"
        for areas in levels:
            if not areas:
                continue
            near = [pk for pk in leaders if self.areas[pk] & areas]
            if len(near) == 1:
                return near, "context"
            if near:
                leaders = near
                break
        _place, kinds = split_name(expand(query))
        types = {o.type for o in [*([reporter] if reporter else []), *others]}
        if not kinds and len(types) == 1:
            same = [pk for pk in leaders if self.organisations[pk].type in types]
            if len(same) == 1:
                return same, "kind"
        return leaders, ""

    def resolve(
        self,
        name: str,
        *,
        day: datetime.date | None = None,
        context: Iterable[Organisation] = (),
        reporter: Organisation | None = None,
    ) -> Resolution:
        """Resolve `name` as at `day` (default today).

        `reporter` is the organisation whose return names it (its own learned aliases apply, and
        its area comes first); `context` are the other organisations around the name (the row's
        partners), whose areas and kind settle ties. Never a guess: what context cannot settle
        comes back ambiguous, with the candidates.
        """
        query = " ".join(str(name).split())
        day = day or datetime.date.today()
        context = [o for o in context if reporter is None or o.pk != reporter.pk]
        if not query:
            return Resolution(query=query, match=None, score=0)

        scores: dict[int, int] = {}
        learned = set()
        if reporter is not None:
            learned = self.scoped.get((reporter.pk, normalise(query)), set()) | self.scoped.get(
                (reporter.pk, expand(query)), set()
            )
        code_hits = self.codes.get(query.upper().replace(" ", ""), set())
        if learned:
            scores = dict.fromkeys(learned, 100)
        elif code_hits:
            # ONS police force area codes are shared by a force and its commissioner: the force owns it.
            forces = {pk for pk in code_hits if self.organisations[pk].type == OrganisationType.POLICE_FORCE}
            scores = dict.fromkeys(forces or code_hits, 100)
        else:
            hits = self.exact.get(normalise(query), set()) | self.exact.get(expand(query), set())
            # "Metropolitan Police Service (MPS)": the name, with its short form in brackets.
            outside = _BRACKETS_RE.sub(" ", query).strip()
            if not hits and outside and outside != query:
                hits = self.exact.get(normalise(outside), set()) | self.exact.get(expand(outside), set())
            scores = dict.fromkeys(hits, 100)
            if not scores and _INITIALS_RE.fullmatch(query):
                scores = dict.fromkeys(self.initials.get(query.lower(), set()), ACCEPT_SCORE)
        place, kinds = split_name(expand(query))
        # "PCC", "OPCC", "the fire service": a kind of body and no place. Only context can say which.
        generic = not scores and not place and bool(kinds)
        if generic:
            scores = {
                pk: ACCEPT_SCORE
                for pk, org in self.organisations.items()
                if _KINDS_OF_TYPE.get(org.type, set()) & kinds
            }
        if not scores:
            scores = self._fuzzy_scores(expand(query))
        if not scores:
            return Resolution(query=query, match=None, score=0)

        bodies: dict[int, int] = {}
        for pk, score in scores.items():
            body = self._body_on(pk, day)
            bodies[body] = max(bodies.get(body, 0), score)
        valid = {pk: s for pk, s in bodies.items() if self.organisations[pk].is_valid_on(day)}
        bodies = valid or bodies
        ranked = sorted(bodies.items(), key=lambda kv: (-kv[1], self.organisations[kv[0]].name))
        best_pk, best = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0
        if best >= ACCEPT_SCORE and best - runner_up >= MARGIN and not generic:
            alternatives = [Candidate(self.organisations[pk], s) for pk, s in ranked[1:6] if s >= SUGGEST_SCORE]
            reason = "learned" if learned else ""
            return Resolution(query, self.organisations[best_pk], best, alternatives, "matched", reason)
        if best >= ACCEPT_SCORE:
            leaders = [pk for pk, s in ranked if s >= best - MARGIN]
            kept, reason = self._settle(leaders, query=query, reporter=reporter, others=context)
            rest = [(pk, s) for pk, s in ranked if pk not in kept]
            if len(kept) == 1 and (reason or not generic):
                alternatives = [Candidate(self.organisations[pk], s) for pk, s in rest[:5] if s >= SUGGEST_SCORE]
                return Resolution(query, self.organisations[kept[0]], bodies[kept[0]], alternatives, "matched", reason)
            # Only the candidates context left, so the message names those.
            ranked = [(pk, bodies[pk]) for pk in kept] + ([] if len(kept) < len(leaders) else rest)
        everyone = [Candidate(self.organisations[pk], s) for pk, s in ranked[:6] if s >= SUGGEST_SCORE]
        status = "ambiguous" if best >= ACCEPT_SCORE else "not_found"
        return Resolution(query, None, best, everyone, status)

    def _fuzzy_scores(self, key: str) -> dict[int, int]:
        """Score the place words by similarity, then mark down bodies of another kind than the name says."""
        place, kinds = split_name(key)
        if not place:
            return {}
        scores: dict[int, int] = {}
        words = place.split()
        for choice, score, index in process.extract(
            place, self._places, scorer=fuzz.WRatio, limit=40, score_cutoff=SUGGEST_SCORE
        ):
            theirs = choice.split()
            missing = sum(
                1
                for w in words
                if max(max(fuzz.ratio(w, t), fuzz.partial_ratio(w, t)) for t in theirs) < WORD_MATCH - 10
            )
            for pk in self._place_owners[index]:
                org_kinds = _KINDS_OF_TYPE.get(self.organisations[pk].type, set())
                adjusted = score - (KIND_MISMATCH_PENALTY if kinds and not (kinds & org_kinds) else 0)
                if missing:
                    # Too far apart to match, but still worth offering as "did you mean".
                    adjusted = max(min(adjusted, SUGGEST_SCORE), adjusted - MISSING_WORD_PENALTY * missing)
                scores[pk] = max(scores.get(pk, 0), round(adjusted))
        return {pk: s for pk, s in scores.items() if s >= SUGGEST_SCORE}


def resolve(
    name: str,
    *,
    day: datetime.date | None = None,
    context: Iterable[Organisation] = (),
    reporter: Organisation | None = None,
) -> Resolution:
    return Resolver.from_db().resolve(name, day=day, context=context, reporter=reporter)
