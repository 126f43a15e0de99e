"""The search benchmark's fixed query set: what members type (one to three words from the community's own
vocabulary), quoted phrases, queries narrowed by a facet (topic, industry, program type, kind) and queries
sorted newest first. The same seed gives the same queries, so runs compare."""

import random
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from bench import vocabulary

FEATURES = ("1 word", "2 words", "3 words", "phrase", "faceted", "newest")

_STOP = {"the", "and", "for", "our", "with", "each", "every", "that", "this", "from", "into", "their", "about",
         "after", "before", "first", "second", "third", "other", "most", "more", "less", "than", "then", "when",
         "what", "who", "how", "a", "an", "of", "in", "on", "to", "at", "by", "it", "is", "be", "we", "s",
         "only", "still", "while", "there", "its", "own", "off", "good", "without", "time", "know", "words", "need",
         "needs", "takes", "take", "rise", "clear", "same", "where", "which", "does", "half", "case"}


@dataclass(frozen=True)
class Query:
    feature: str
    text: str
    filters: dict = field(default_factory=dict)  # topic, industry, program_type, kind
    sort: str = "relevance"

    @property
    def params(self) -> dict:
        params = {"q": self.text, **self.filters}
        if self.sort == "newest":
            params["sort"] = "newest"
        return params

    @property
    def path(self) -> str:
        return "/search/?" + urlencode(self.params)

    @property
    def label(self) -> str:
        extra = [f"{k}={v}" for k, v in self.filters.items()] + (["newest"] if self.sort == "newest" else [])
        return self.text + (f"  [{', '.join(extra)}]" if extra else "")


def _words(phrases: list[str]) -> list[str]:
    found = []
    for phrase in phrases:
        for word in re.findall(r"[a-z][a-z'-]+", phrase.lower()):
            if word not in _STOP and len(word) >= 4 and "{" not in phrase and word not in found:
                found.append(word)
    return found


def _plain(phrases: list[str]) -> list[str]:
    return [p for p in phrases if "{" not in p]


def _pairs(phrases: list[str]) -> list[str]:
    """Adjacent content words inside the vocabulary's phrases: 'wage progression', 'community college'."""
    pairs = []
    for phrase in _plain(phrases):
        words = [w for w in re.findall(r"[a-z][a-z'-]+", phrase.lower())]
        for a, b in zip(words, words[1:]):
            if a not in _STOP and b not in _STOP and len(a) >= 3 and len(b) >= 3 and f"{a} {b}" not in pairs:
                pairs.append(f"{a} {b}")
    return pairs


def query_set(seed: int = 2026) -> list[Query]:
    """About forty queries across the features, fixed by the seed."""
    from cop.orgs.models import INDUSTRIES
    from cop.practices.models import PROGRAM_TYPES
    from cop.practices.taxonomy import TOPICS

    rng = random.Random(seed)
    nouns = (vocabulary.OBJECT + vocabulary.OCCUPATION + vocabulary.PROGRAM + vocabulary.PARTNER
             + vocabulary.TITLE_NOUN + [t.replace("-", " ") for t in vocabulary.TAGS])
    words = _words(nouns)
    pairs = _pairs(nouns)
    phrases = [p for p in _plain(vocabulary.OBJECT + vocabulary.LESSON + vocabulary.OCCUPATION + vocabulary.PROGRAM)
               if 2 <= len(p.split()) <= 4]
    phrases = [re.sub(r"^(the|a|an|our) ", "", p) for p in phrases]
    topics = [slug for slug, *_ in TOPICS]
    industries = [i for i in INDUSTRIES]
    programs = list(PROGRAM_TYPES)

    queries = [Query("1 word", w) for w in rng.sample(words, 8)]
    queries += [Query("2 words", p) for p in rng.sample(pairs, 8)]
    queries += [Query("3 words", f"{p} {rng.choice(words)}") for p in rng.sample(pairs, 6)]
    queries += [Query("phrase", f'"{p}"') for p in rng.sample(phrases, 6)]
    facets = []
    for topic in rng.sample(topics, 3):
        facets.append({"topic": topic})
    for industry in rng.sample(industries, 2):
        facets.append({"industry": industry})
    for program in rng.sample(programs, 2):
        facets.append({"program_type": program})
    facets.append({"kind": "discussion"})
    facets.append({"topic": rng.choice(topics), "program_type": rng.choice(programs)})
    for filters in facets:
        text = rng.choice(words) if rng.random() < 0.5 else rng.choice(pairs)
        queries.append(Query("faceted", text, filters))
    for _ in range(4):
        text = rng.choice(words) if rng.random() < 0.5 else rng.choice(pairs)
        queries.append(Query("newest", text, sort="newest"))
    return queries
