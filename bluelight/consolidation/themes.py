"""Theme suggestion: the likely primary theme of a report from its title and description.

Learned from the collaborations already coded (scikit-learn: TF-IDF word and character n-grams,
logistic regression), with each theme's own name and description added as one more training
document so that a theme nobody has coded yet can still be suggested. With too few coded records
it falls back to the taxonomy alone: the themes whose name and description are nearest by TF-IDF
cosine. The fitted model is saved under VAR_DIR/models/themes.joblib and trained again on first
use when the file is missing, unreadable, or the taxonomy has changed since.
"""

import csv
import datetime
import hashlib
import json
import os
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import joblib
import numpy as np
import sklearn
from django.conf import settings
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.metrics.pairwise import linear_kernel
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline

from bluelight.collaborations.models import Collaboration, Theme

LEARNED = "learned"
FALLBACK = "taxonomy fallback"
MODEL_FORMAT = 1  # bump when the saved structure changes: older files are then retrained
# Softmax temperature for the taxonomy fallback: cosine similarities of short texts sit between
# 0 and about 0.5, so dividing by 0.1 separates a clear nearest theme from the rest without
# pretending to certainty. The result is a relative score, not a calibrated probability.
FALLBACK_TEMPERATURE = 0.1
RANDOM_STATE = 0
SAVE_AS_UTF8 = "save it as UTF-8 (in Excel: Save As > 'CSV UTF-8 (Comma delimited)') and try again"


class ThemeModelError(Exception):
    """No model can be trained (the taxonomy is empty)."""


@dataclass(frozen=True)
class Suggestion:
    """A theme suggested for a report, with a score from 0 to 1 (higher is more likely)."""

    theme_code: str
    score: float


@dataclass
class TrainReport:
    """What a model was trained on and how well it does on records it did not see.

    `accuracy`, `macro_f1` and `top3_accuracy` are None when there is nothing to score against.
    In learned mode they come from stratified k-fold cross-validation; in taxonomy fallback mode
    the model never sees the coded records, so it is scored on all of them directly.
    """

    mode: str
    records: int  # coded collaborations used (primary theme set, not merged away)
    themes: int  # distinct primary themes among those records
    labels: int  # themes the model can suggest (sub-themes, and top-level themes coded directly)
    accuracy: float | None = None
    macro_f1: float | None = None
    top3_accuracy: float | None = None
    folds: int | None = None
    evaluated: int = 0  # records scored
    single_record_themes: int = 0  # themes with one record: held out once, known then only from the taxonomy
    demo_share: float = 0.0  # share of the records that are demo data
    evaluation: str = ""
    seconds: float = 0.0
    trained_at: str = ""

    @property
    def is_demo_data(self) -> bool:
        return self.demo_share > 0.5

    @property
    def caveat(self) -> str:
        if not self.is_demo_data:
            return ""
        return (
            "Caveat: most coded records are demo data, generated from a few templates per theme, "
            "so these figures overstate accuracy on real returns."
        )

    def as_dict(self) -> dict:
        return {**asdict(self), "is_demo_data": self.is_demo_data, "caveat": self.caveat}

    def lines(self) -> list[str]:
        """The report as a few readable lines, for the command."""

        def pct(value: float | None) -> str:
            return "n/a" if value is None else f"{value:.1%}"

        lines = [
            f"Mode: {self.mode}. Records: {self.records} coded, {self.themes} themes used; "
            f"{self.labels} themes can be suggested. Trained in {self.seconds:.1f} s.",
            f"Accuracy {pct(self.accuracy)}, macro-F1 {pct(self.macro_f1)}, "
            f"top-3 accuracy {pct(self.top3_accuracy)} ({self.evaluation}).",
        ]
        if self.caveat:
            lines.append(self.caveat)
        return lines


@dataclass(frozen=True)
class _Document:
    text: str
    label: str


@dataclass
class _TrainingData:
    records: list[_Document]
    taxonomy: list[_Document]  # one per label: the theme's name and description
    demo: int = 0
    names: dict[str, str] = field(default_factory=dict)
    fingerprint: str = ""


def report_text(*, title: str, description: str = "") -> str:
    """The text a report is judged by. The title is short and usually names the activity, so it
    is given twice the weight of the description."""
    title = (title or "").strip()
    description = (description or "").strip()
    return f"{title}. {title}. {description}".strip(" .")


def _features(*, char_min_df: int = 1) -> FeatureUnion:
    # Word n-grams carry the vocabulary of a theme ("forced entry", "cardiac arrest"); character
    # n-grams within words match its variants ("defibrillator"/"defibrillation", "co-responding").
    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(ngram_range=(1, 2), stop_words="english", sublinear_tf=True, strip_accents="unicode"),
            ),
            (
                "chars",
                TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=char_min_df),
            ),
        ]
    )


def _learned_model() -> Pipeline:
    # Character n-grams seen in one document only add parameters (and seconds) but no signal.
    # Words are kept from one document up, so a theme known only by its description keeps its words.
    # newton-cg reaches the same optimum as lbfgs in a third of the time on these wide, short inputs.
    classifier = LogisticRegression(C=20.0, solver="newton-cg", max_iter=1000)
    return Pipeline([("features", _features(char_min_df=2)), ("classifier", classifier)])


def _learned_fit(texts: list[str], labels: list[str]) -> Pipeline:
    with warnings.catch_warnings():
        # Few records plus one taxonomy document per theme means many classes per sample: by design.
        warnings.filterwarnings("ignore", message="The number of unique classes", category=UserWarning)
        return _learned_model().fit(texts, labels)


class NearestTheme(ClassifierMixin, BaseEstimator):
    """Taxonomy-only model: scores each theme by the TF-IDF cosine of a text with its name and
    description, turned into scores that sum to 1 by a softmax."""

    def __init__(self, temperature: float = FALLBACK_TEMPERATURE):
        self.temperature = temperature

    def fit(self, texts: Sequence[str], labels: Sequence[str]):
        self.features_ = _features()
        matrix = self.features_.fit_transform(texts)
        self.classes_ = np.array(sorted(set(labels)))
        # One row per theme: the mean of its documents (just one each from the taxonomy).
        index = {code: i for i, code in enumerate(self.classes_)}
        rows = [[] for _ in self.classes_]
        for i, label in enumerate(labels):
            rows[index[label]].append(i)
        centroids = np.vstack([np.asarray(matrix[r].mean(axis=0)) for r in rows])
        norms = np.linalg.norm(centroids, axis=1, keepdims=True)
        self.centroids_ = centroids / np.where(norms == 0, 1, norms)
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        similarity = linear_kernel(self.features_.transform(texts), self.centroids_)
        # Both feature blocks are unit length, so their union has length sqrt(2): scale to 0-1.
        similarity = similarity / np.sqrt(2)
        logits = similarity / self.temperature
        logits -= logits.max(axis=1, keepdims=True)
        scores = np.exp(logits)
        return scores / scores.sum(axis=1, keepdims=True)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return self.classes_[self.predict_proba(texts).argmax(axis=1)]


def _taxonomy_fingerprint(themes: Iterable[Theme]) -> str:
    rows = sorted((t.code, t.name, t.parent.code if t.parent_id else "", t.description) for t in themes)
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def _coded():
    """Collaborations with a primary theme, leaving out duplicates merged into another record."""
    return Collaboration.objects.filter(primary_theme__isnull=False, merged_into__isnull=True)


def _can_learn(*, min_records: int) -> bool:
    coded = _coded()
    return coded.count() >= min_records and coded.order_by().values("primary_theme").distinct().count() >= 2


def _training_data() -> _TrainingData:
    themes = list(Theme.objects.select_related("parent"))
    names = {t.code: t.name for t in themes}
    coded = list(_coded().order_by("pk").values_list("title", "description", "primary_theme__code", "is_demo"))
    records = [_Document(report_text(title=t, description=d), code) for t, d, code, _demo in coded]
    demo = sum(1 for *_rest, is_demo in coded if is_demo)
    # Labels: every sub-theme, every top-level theme without sub-themes, and any top-level theme
    # that records were coded at directly (older returns were coded to the first level only).
    parents = {t.parent_id for t in themes if t.parent_id}
    used = {doc.label for doc in records}
    labels = [t for t in themes if t.parent_id or t.pk not in parents or t.code in used]
    taxonomy = []
    for t in labels:
        # A sub-theme's document names its parent too: the family words help near misses.
        family = f" {t.parent.name}." if t.parent_id else ""
        taxonomy.append(_Document(f"{t.name}. {t.name}. {t.description}{family}", t.code))
    return _TrainingData(
        records=records, taxonomy=taxonomy, demo=demo, names=names, fingerprint=_taxonomy_fingerprint(themes)
    )


def _scores(probabilities: np.ndarray, classes: np.ndarray, truth: Sequence[str]) -> tuple[float, float, float]:
    order = np.argsort(-probabilities, axis=1)
    best = classes[order[:, 0]]
    top3 = classes[order[:, :3]]
    truth = np.asarray(truth)
    accuracy = float(np.mean(best == truth))
    top3_accuracy = float(np.mean([t in row for t, row in zip(truth, top3, strict=True)]))
    # Macro-F1 over the themes that records were actually coded to, each counting once.
    macro_f1 = float(f1_score(truth, best, labels=sorted(set(truth)), average="macro", zero_division=0))
    return accuracy, macro_f1, top3_accuracy


def _cross_validate(data: _TrainingData, report: TrainReport) -> None:
    """Stratified k-fold cross-validation of the learned model, k = min(5, smallest theme count)
    counting only themes with two or more records (and at least 2).

    The taxonomy documents join every training fold and are never scored, which is why this is a
    loop over StratifiedKFold rather than cross_val_predict. A theme with a single record cannot
    be stratified, so those records are pooled into one stratum: spread across the folds, each is
    held out once and must then be recognised from the theme's description and the other
    records alone (the harder, honest case). They do not set k.
    """
    texts = [d.text for d in data.records]
    truth = [d.label for d in data.records]
    counts = Counter(truth)
    repeated = [n for n in counts.values() if n >= 2]
    k = max(2, min(5, min(repeated))) if repeated else 2
    strata = [label if counts[label] >= 2 else "(single-record themes)" for label in truth]
    report.folds = k
    report.single_record_themes = sum(1 for n in counts.values() if n == 1)
    folds = StratifiedKFold(n_splits=k, shuffle=True, random_state=RANDOM_STATE)
    taxonomy_texts = [d.text for d in data.taxonomy]
    taxonomy_labels = [d.label for d in data.taxonomy]
    classes = np.array(sorted(set(taxonomy_labels)))
    probabilities = np.zeros((len(texts), len(classes)))
    with warnings.catch_warnings():
        # The pooled stratum may hold fewer records than there are folds: that is expected.
        warnings.filterwarnings("ignore", message="The least populated class", category=UserWarning)
        splits = list(folds.split(texts, strata))
    for train, test in splits:
        model = _learned_fit([texts[i] for i in train] + taxonomy_texts, [truth[i] for i in train] + taxonomy_labels)
        # Every label has a taxonomy document, so every fold knows every class, in the same order.
        probabilities[test] = model.predict_proba([texts[i] for i in test])
    report.accuracy, report.macro_f1, report.top3_accuracy = _scores(probabilities, classes, truth)
    report.evaluated = len(texts)
    report.evaluation = (
        f"stratified {k}-fold cross-validation over {len(texts)} records; "
        f"{report.single_record_themes} single-record themes held out once each"
    )


class ThemeSuggester:
    """Suggests themes for reports. Get one with `ThemeSuggester.load()`."""

    def __init__(self, *, model, fingerprint: str, names: dict[str, str], report: TrainReport):
        self.model = model  # fitted: predict_proba(texts) and classes_ (theme codes)
        self.fingerprint = fingerprint  # of the taxonomy it was trained on
        self.names = names  # theme code -> name, as when trained
        self.report = report

    @property
    def mode(self) -> str:
        return self.report.mode

    @staticmethod
    def path() -> Path:
        return Path(settings.VAR_DIR) / "models" / "themes.joblib"

    @classmethod
    def load(cls, *, min_records: int = 30) -> "ThemeSuggester":
        """The saved model, or a new one trained and saved when the file is missing, unreadable,
        from another scikit-learn version, trained on a taxonomy that has changed since, or a
        taxonomy fallback while enough records have now been coded to learn from them."""
        fingerprint = _taxonomy_fingerprint(Theme.objects.select_related("parent"))
        try:
            with warnings.catch_warnings():
                # A file pickled by another scikit-learn version warns; the version check below retrains.
                warnings.simplefilter("ignore")
                saved = joblib.load(cls.path())
        except Exception:  # missing, truncated or unreadable: train a new one
            saved = None
        if (
            isinstance(saved, dict)
            and saved.get("format") == MODEL_FORMAT
            and saved.get("sklearn") == sklearn.__version__
            and saved.get("fingerprint") == fingerprint
        ):
            suggester = cls(
                model=saved["model"],
                fingerprint=saved["fingerprint"],
                names=saved["names"],
                report=TrainReport(**saved["report"]),
            )
            if suggester.mode == LEARNED or not _can_learn(min_records=min_records):
                return suggester
        suggester = _suggester_train(min_records=min_records)
        suggester.save()
        return suggester

    def save(self) -> Path:
        """Write the model atomically, so a reader never sees half a file."""
        path = self.path()
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "format": MODEL_FORMAT,
            "sklearn": sklearn.__version__,
            "model": self.model,
            "mode": self.mode,  # also in the report; here to read the file without this module
            "fingerprint": self.fingerprint,
            "codes": sorted(self.names),
            "names": self.names,
            "trained_at": self.report.trained_at,
            "report": asdict(self.report),
        }
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        os.close(handle)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the model holds no personal data
        try:
            joblib.dump(data, temporary, compress=3)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return path

    def suggest(self, title: str, description: str = "", *, top: int = 3) -> list[Suggestion]:
        """The `top` most likely themes for one report, best first."""
        return self.suggest_many([(title, description)], top=top)[0]

    def suggest_many(self, rows: Sequence[tuple[str, str]], *, top: int = 3) -> list[list[Suggestion]]:
        """Suggestions for many (title, description) pairs, vectorised in one pass; none for a blank pair."""
        if top < 1:
            raise ValueError("top must be 1 or more")
        if not rows:
            return []
        texts = [report_text(title=title, description=description) for title, description in rows]
        probabilities = np.clip(self.model.predict_proba(texts), 0.0, 1.0)
        classes = self.model.classes_
        result = []
        for text, row in zip(texts, probabilities, strict=True):
            if not text:
                result.append([])  # nothing to go on: no suggestion rather than the most common theme
                continue
            # Ties (a text sharing no words with any theme) are broken by code, so output is stable.
            order = sorted(range(len(classes)), key=lambda i: (-row[i], classes[i]))[:top]
            result.append([Suggestion(str(classes[i]), round(float(row[i]), 4)) for i in order])
        return result


def _suggester_train(*, min_records: int) -> ThemeSuggester:
    started = time.perf_counter()
    data = _training_data()
    if not data.taxonomy:
        raise ThemeModelError("The theme taxonomy is empty: load it with `bluelight setup`, then try again.")
    used = {d.label for d in data.records}
    report = TrainReport(
        mode=LEARNED,
        records=len(data.records),
        themes=len(used),
        labels=len(data.taxonomy),
        demo_share=data.demo / len(data.records) if data.records else 0.0,
        trained_at=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    )
    taxonomy_texts = [d.text for d in data.taxonomy]
    taxonomy_labels = [d.label for d in data.taxonomy]
    if len(data.records) >= min_records and len(used) >= 2:
        _cross_validate(data, report)
        model = _learned_fit(
            [d.text for d in data.records] + taxonomy_texts, [d.label for d in data.records] + taxonomy_labels
        )
    else:
        report.mode = FALLBACK
        model = NearestTheme().fit(taxonomy_texts, taxonomy_labels)
        if data.records:
            # The fallback never sees the records, so all of them are fair to score it against.
            probabilities = model.predict_proba([d.text for d in data.records])
            report.accuracy, report.macro_f1, report.top3_accuracy = _scores(
                probabilities, model.classes_, [d.label for d in data.records]
            )
            report.evaluated = len(data.records)
            report.evaluation = f"taxonomy only, scored on all {len(data.records)} coded records (none used to fit)"
        else:
            report.evaluation = "no coded records to score against"
    report.seconds = round(time.perf_counter() - started, 2)
    return ThemeSuggester(model=model, fingerprint=data.fingerprint, names=data.names, report=report)


def theme_model_train(*, min_records: int = 30) -> TrainReport:
    """Train the theme model on the coded collaborations, save it, and report its quality.

    Learned mode needs at least `min_records` coded records across two or more themes; below
    that the taxonomy-only fallback is saved instead.
    """
    suggester = _suggester_train(min_records=min_records)
    suggester.save()
    return suggester.report


def reports_csv_read(*, path: Path) -> tuple[list[tuple[int, str, str]], list[str]]:
    """(data row number, title, description) of each non-blank row, and every problem found.

    Row numbers count data rows from 1 (the header is not a row), blank rows included, so that
    row N is line N + 1 of the spreadsheet.
    """
    if not path.is_file():
        return [], [f"{path}: no such file; give the path of a CSV file with columns title and description."]
    try:
        # utf-8-sig: Excel's "CSV UTF-8" starts with a byte-order mark; plain UTF-8 reads the same.
        with path.open(encoding="utf-8-sig", newline="") as handle:
            table = list(csv.reader(handle))
    except UnicodeDecodeError as exc:
        return [], [f"{path}: not UTF-8 text (byte {exc.object[exc.start]:#04x}: {exc.reason}); {SAVE_AS_UTF8}."]
    except csv.Error as exc:
        return [], [f"{path}: not a readable CSV file ({exc}); save it as CSV and try again."]
    if not table:
        return [], [f"{path}: the file is empty; the first row must name the columns title and description."]
    header = [name.strip().lower() for name in table[0]]
    if "title" not in header:
        found = ", ".join(repr(h) for h in table[0] if h.strip()) or "none"
        return [], [
            f"{path}: no 'title' column (columns found: {found}); "
            "the first row must name the columns title and description."
        ]
    title_at = header.index("title")
    description_at = header.index("description") if "description" in header else None
    rows = []
    for number, cells in enumerate(table[1:], start=1):
        if not any(cell.strip() for cell in cells):
            continue
        title = cells[title_at].strip() if title_at < len(cells) else ""
        description = (
            cells[description_at].strip() if description_at is not None and description_at < len(cells) else ""
        )
        rows.append((number, title, description))
    return rows, []
