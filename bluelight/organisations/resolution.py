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
        places: dict[str, set[int]] = defaultdict(set)
        for org in organisations:
            self.organisations[org.pk] = org
            self.areas[org.pk] = {a.pk for a in org.police_force_areas.all()}
            for text in [org.name, *(a.name for a in org.aliases.all())]:
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

    @classmethod
    def from_db(cls) -> "Resolver":
        return cls(Organisation.objects.prefetch_related("aliases", "police_force_areas").select_related("successor"))

    def _body_on(self, pk: int, day: datetime.date) -> int:
        """The organisation that did this one's work on `day` (itself, or its successor after a merger)."""
        org, seen = self.organisations[pk], set()
        while not org.is_valid_on(day) and org.successor_id in self.organisations and org.pk not in seen:
            seen.add(org.pk)
            org = self.organisations[org.successor_id]
        return org.pk

    def _narrow(
        self, scores: dict[int, int], day: datetime.date, context_areas: set[int]
    ) -> tuple[dict[int, int], str]:
        """Apply the date (successors, validity) and then the area of the context organisations."""
        bodies: dict[int, int] = {}
        for pk, score in scores.items():
            body = self._body_on(pk, day)
            bodies[body] = max(bodies.get(body, 0), score)
        valid = {pk: s for pk, s in bodies.items() if self.organisations[pk].is_valid_on(day)}
        if valid:
            bodies = valid
        top = max(bodies.values())
        leaders = [pk for pk, s in bodies.items() if s >= top - MARGIN]
        if len(leaders) > 1 and context_areas:
            near = [pk for pk in leaders if self.areas[pk] & context_areas]
            if len(near) == 1:
                return {
                    near[0]: bodies[near[0]],
                    **{k: v for k, v in bodies.items() if k != near[0]},
                }, "context"
        return bodies, ""

    def resolve(
        self, name: str, *, day: datetime.date | None = None, context: Iterable[Organisation] = ()
    ) -> Resolution:
        """Resolve `name` as at `day` (default today); `context` organisations' areas settle ties."""
        query = " ".join(str(name).split())
        day = day or datetime.date.today()
        context_areas: set[int] = set()
        for org in context:
            context_areas |= self.areas.get(org.pk) or {a.pk for a in org.police_force_areas.all()}
        if not query:
            return Resolution(query=query, match=None, score=0)

        scores: dict[int, int] = {}
        code_hits = self.codes.get(query.upper().replace(" ", ""), set())
        if code_hits:
            # ONS police force area codes are shared by a force and its commissioner: the force owns it.
            forces = {pk for pk in code_hits if self.organisations[pk].type == OrganisationType.POLICE_FORCE}
            scores = dict.fromkeys(forces or code_hits, 100)
        else:
            hits = self.exact.get(normalise(query), set()) | self.exact.get(expand(query), set())
            scores = dict.fromkeys(hits, 100)
        if not scores:
            scores = self._fuzzy_scores(expand(query))
        if not scores:
            return Resolution(query=query, match=None, score=0)

        bodies, reason = self._narrow(scores, day, context_areas)
        ranked = sorted(bodies.items(), key=lambda kv: (-kv[1], self.organisations[kv[0]].name))
        if reason == "context":
            ranked = list(bodies.items())
        best_pk, best = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0
        alternatives = [Candidate(self.organisations[pk], s) for pk, s in ranked[1:6] if s >= SUGGEST_SCORE]
        if reason == "context" or (best >= ACCEPT_SCORE and best - runner_up >= MARGIN):
            return Resolution(query, self.organisations[best_pk], best, alternatives, "matched", reason)
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


def resolve(name: str, *, day: datetime.date | None = None, context: Iterable[Organisation] = ()) -> Resolution:
    return Resolver.from_db().resolve(name, day=day, context=context)
