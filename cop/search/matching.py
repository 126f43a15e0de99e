"""Matching a parsed query over whole posting lists at once.

Whoosh matches a query by stepping a tree of Python matchers one posting at a time: 1-2 µs per posting
and field, so a three-word query of common words at 50,000 practices spends most of a second there, and
counting every match for the facets walks the same postings again. Here each term's postings are decoded
once per segment (segments never change once written) into arrays, and a query is evaluated over whole
segments with array operations: a term's BM25F scores in one vectorized step, AND and OR as element-wise
operations, the facet counts as one `bincount`.

The scores are Whoosh's own BM25F formula with the searcher's statistics, so results rank exactly as
Whoosh ranks them (tests compare the two). Query shapes this module does not evaluate (wildcards,
fuzzy terms, sloppy phrases, another weighting) raise `Unsupported`; the caller then uses
Whoosh's matchers.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass
from itertools import chain

import numpy as np
from whoosh import query
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

POSTINGS_CACHE_BYTES = 96 << 20  # per process; the common words of a 50,000-practice library fit easily
FILTER_CACHE_ENTRIES = 256
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
_NO_IDS = np.empty(0, dtype=np.int32)
_NO_WEIGHTS = np.empty(0, dtype=np.float64)
_NO_PLACES = np.empty(0, dtype=np.int64)


class Unsupported(Exception):
    """The query has a part this module does not evaluate."""


@dataclass(frozen=True)
class Postings:
    ids: np.ndarray  # sorted document numbers within the segment
    weights: np.ndarray  # Whoosh's posting weights (term frequency times the field's boost)
    places: np.ndarray | None  # when asked for: every occurrence as document << 32 | position, sorted

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.weights.nbytes + (self.places.nbytes if self.places is not None else 0)


class _Cache:
    """A process-wide LRU of decoded postings, bounded by bytes. Keys start with the segment's id, which
    is unique and names content that never changes, so readers of the same segment share entries."""

    def __init__(self, limit: int):
        self.limit, self.size = limit, 0
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key, postings: Postings) -> None:
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = postings
            self.size += postings.nbytes
            while self.size > self.limit and len(self.entries) > 1:
                _, dropped = self.entries.popitem(last=False)
                self.size -= dropped.nbytes


_postings = _Cache(POSTINGS_CACHE_BYTES)
_filters_lock = threading.Lock()


def _decode(reader, fieldname: str, btext: bytes, with_places: bool) -> Postings:
    """One term's postings in one segment, deleted documents included (see engine._Reader)."""
    try:
        matcher = reader.postings(fieldname, btext)
    except (TermNotFound, KeyError):
        return Postings(_NO_IDS, _NO_WEIGHTS, _NO_PLACES if with_places else None)
    ids, weights, values = [], [], []
    if isinstance(matcher, W3LeafMatcher):
        # Block by block: each block's ids and weights are arrays already.
        while not matcher._atend:
            matcher._read_ids()
            matcher._read_weights()
            ids.append(np.asarray(matcher._ids, dtype=np.int32))
            weights.append(np.asarray(matcher._weights, dtype=np.float64))
            if with_places:
                matcher._read_values()
                values.extend(matcher._values)
            matcher._next_block()
        ids = np.concatenate(ids) if ids else _NO_IDS
        weights = np.concatenate(weights) if weights else _NO_WEIGHTS
    else:  # a term inlined in the term index, with a posting or two
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            if with_places:
                values.append(matcher.value())
            matcher.next()
        ids, weights = np.array(ids, dtype=np.int32), np.array(weights, dtype=np.float64)
    places = None
    if with_places:
        decode = reader.schema[fieldname].format.decode_positions
        positions = [decode(value) for value in values]
        flat = np.fromiter(chain.from_iterable(positions), dtype=np.int64)
        owners = np.repeat(ids.astype(np.int64), [len(p) for p in positions])
        places = np.sort((owners << 32) | flat)
    return Postings(ids, weights, places)


def postings(reader, fieldname: str, btext: bytes, with_places: bool = False) -> Postings:
    key = (reader.segment().segment_id(), fieldname, btext, with_places)
    found = _postings.get(key)
    if found is None:
        found = _decode(reader, fieldname, btext, with_places)
        _postings.put(key, found)
    return found


# Per-segment arrays, kept on the reader (a copy made for new deletions shares them: see engine._refreshed).

def _segment_cache(reader) -> dict:
    cache = reader.__dict__.get("_cop_arrays")
    if cache is None:
        cache = reader.__dict__["_cop_arrays"] = {"lengths": {}, "columns": {}, "filters": OrderedDict()}
    return cache


def field_lengths(reader, fieldname: str) -> np.ndarray:
    """Every document's length in `fieldname`, as Whoosh stores it (one byte per document, decoded)."""
    lengths = _segment_cache(reader)["lengths"]
    found = lengths.get(fieldname)
    if found is None:
        count = reader.doc_count_all()
        stored = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        raw = (np.fromiter(stored, dtype=np.uint8, count=count) if stored is not None
               else np.zeros(count, dtype=np.uint8))
        found = lengths[fieldname] = _LENGTHS[raw]
    return found


def column(reader, fieldname: str) -> np.ndarray:
    """A sortable numeric field's value for every document of the segment."""
    columns = _segment_cache(reader)["columns"]
    found = columns.get(fieldname)
    if found is None:
        found = columns[fieldname] = np.fromiter(reader.column_reader(fieldname), dtype=np.int64,
                                                 count=reader.doc_count_all())
    return found


def filter_mask(leaf, restrict) -> np.ndarray:
    """The segment's documents `restrict` allows (a filter: no scores), cached per segment like a
    search engine's filter cache, since members narrow by the same few kinds and facets again and again."""
    filters = _segment_cache(leaf.reader())["filters"]
    key = repr(restrict)
    with _filters_lock:
        found = filters.get(key)
        if found is not None:
            filters.move_to_end(key)
            return found
    found = np.zeros(leaf.reader().doc_count_all(), dtype=bool)
    found[np.fromiter(restrict.docs(leaf), dtype=np.int64)] = True
    with _filters_lock:
        filters[key] = found
        while len(filters) > FILTER_CACHE_ENTRIES:
            filters.popitem(last=False)
    return found


def facet_pairs(reader, facet_values) -> tuple[np.ndarray, np.ndarray, list]:
    """The segment's (document, facet value) pairs as two arrays and the list the codes index."""
    cache = _segment_cache(reader)
    found = cache.get("facets")
    if found is None:
        codes: dict = {}
        docs, pairs = [], []
        for docnum, values in enumerate(facet_values(reader)):
            for pair in values:
                docs.append(docnum)
                pairs.append(codes.setdefault(pair, len(codes)))
        found = cache["facets"] = (np.array(docs, dtype=np.int64), np.array(pairs, dtype=np.int64), list(codes))
    return found


# Evaluating a query over one segment: a mask of the matching documents and their scores.

class _Segment:
    def __init__(self, searcher, leaf):
        self.searcher, self.reader = searcher, leaf.reader()
        self.count = self.reader.doc_count_all()
        weighting = searcher.weighting
        if type(weighting) is not BM25F:
            raise Unsupported("weighting")
        self.weighting = weighting

    def term_scores(self, fieldname: str, btext: bytes, found: Postings) -> np.ndarray:
        """Whoosh's BM25F score of each posting (`scoring.bm25`, with the whole index's statistics)."""
        field = self.searcher.schema[fieldname]
        if not field.scorable:
            return found.weights  # Whoosh's WeightScorer
        idf = self.searcher.idf(fieldname, btext)
        avgfl = self.searcher.avg_field_length(fieldname) or 1
        b = self.weighting._field_B.get(fieldname, self.weighting.B)
        k1 = self.weighting.K1
        tf = found.weights
        fl = field_lengths(self.reader, fieldname)[found.ids]
        return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))

    def evaluate(self, node) -> tuple[np.ndarray, np.ndarray]:
        if type(node) is query.Term:
            mask, score = self._term(node)
        elif type(node) is query.Phrase:
            mask, score = self._phrase(node)
        elif type(node) is query.Prefix and node.constantscore:
            return self._prefix(node)  # applies the boost itself: Whoosh's depends on the expansions
        elif type(node) is query.And:
            mask, score = self._and(node.subqueries)
        elif type(node) is query.Or and not node.minmatch and node.scale is None:
            mask, score = self._or(node.subqueries)
        elif node is query.NullQuery:
            mask, score = self._empty()
        else:
            raise Unsupported(type(node).__name__)
        if node.boost != 1.0:
            score = score * node.boost
        return mask, score

    def _empty(self):
        return np.zeros(self.count, dtype=bool), np.zeros(self.count)

    def _bytes(self, fieldname: str, text) -> bytes | None:
        field = self.searcher.schema[fieldname] if fieldname in self.searcher.schema else None
        if field is None:
            return None
        try:
            return field.to_bytes(text)
        except ValueError:
            return None

    def _term(self, node):
        btext = self._bytes(node.fieldname, node.text)
        if btext is None:
            return self._empty()
        found = postings(self.reader, node.fieldname, btext)
        mask, score = self._empty()
        if len(found.ids):
            mask[found.ids] = True
            score[found.ids] = self.term_scores(node.fieldname, btext, found)
        return mask, score

    def _phrase(self, node):
        if node.slop != 1 or not node.words:
            raise Unsupported("sloppy phrase")
        fieldname = node.fieldname
        field = self.searcher.schema[fieldname] if fieldname in self.searcher.schema else None
        if field is None:
            return self._empty()
        if not field.format or not field.format.supports("positions"):
            raise Unsupported("phrase in a field without positions")  # Whoosh raises; keep its behavior
        words = [self._bytes(fieldname, word) for word in node.words]
        if any(word is None for word in words):
            return self._empty()
        lists = [postings(self.reader, fieldname, word, with_places=True) for word in words]
        # An occurrence of the first word starts the phrase when the k-th word occurs k places later:
        # shift each word's occurrences back by k and intersect (all sorted, all in C).
        starts = lists[0].places
        for offset, found in enumerate(lists[1:], start=1):
            starts = np.intersect1d(starts, found.places - offset, assume_unique=True)
        mask, score = self._empty()
        matched = np.unique(starts >> 32).astype(np.int32)
        if not len(matched):
            return mask, score
        mask[matched] = True
        for word, found in zip(words, lists):  # Whoosh scores a phrase as the sum of its words' scores
            chosen = Postings(matched, found.weights[np.searchsorted(found.ids, matched)], None)
            score[matched] += self.term_scores(fieldname, word, chosen)
        return mask, score

    def _prefix(self, node):
        """`word*` as Whoosh scores it in a segment of more than 5,000 documents: a lone matching term as that
        term (without the prefix's boost), several as the boosted sum of their scores. (In smaller segments
        Whoosh gives three or more matching terms a constant 1.0 instead, a shortcut for small indexes.)"""
        if node.fieldname not in self.searcher.schema:
            return self._empty()
        words = list(self.reader.expand_prefix(node.fieldname, node.text))
        if len(words) == 1:
            return self._term(query.Term(node.fieldname, words[0]))
        mask, score = self._or([query.Term(node.fieldname, word) for word in words])
        return mask, score * node.boost if node.boost != 1.0 else score

    def _and(self, subqueries):
        positive = [q for q in subqueries if not isinstance(q, query.Not)]
        negative = [q.query for q in subqueries if isinstance(q, query.Not)]
        if not positive:
            raise Unsupported("only negative clauses")
        mask, score = self.evaluate(positive[0])
        mask, score = mask.copy(), score.copy()
        for sub in positive[1:]:
            sub_mask, sub_score = self.evaluate(sub)
            mask &= sub_mask
            score += sub_score
        for sub in negative:
            mask &= ~self.evaluate(sub)[0]
            score += 1.0  # Whoosh's InverseMatcher scores every document it lets through 1.0
        score[~mask] = 0.0
        return mask, score

    def _or(self, subqueries):
        if any(isinstance(q, query.Not) for q in subqueries):
            raise Unsupported("negative clause in OR")
        mask, score = self._empty()
        for sub in subqueries:
            sub_mask, sub_score = self.evaluate(sub)
            mask |= sub_mask
            score += sub_score
        return mask, score


@dataclass
class Matched:
    ranked: list[tuple[int, float]]  # (document number in the whole index, score), best first
    total: int
    facet_counts: dict  # (facet, value) -> count


def run(searcher, parsed, restrict, facet_values, limit: int, newest_first: bool) -> Matched:
    """Every live document `parsed` finds within `restrict`: the best `limit` of them, how many there are,
    and their facet counts (`facet_values(reader)`: each document's (facet, value) pairs in a segment)."""
    per_segment, total, counts = [], 0, {}
    for leaf, offset in searcher.subsearchers or [(searcher, 0)]:
        segment = _Segment(searcher, leaf)
        if not segment.count:
            continue
        mask, score = segment.evaluate(parsed)
        if restrict is not None:
            mask = mask & filter_mask(leaf, restrict)
        deleted = segment.reader.deleted_docs_set  # postings keep deleted documents: see engine._Reader
        if deleted:
            mask = mask.copy()
            mask[np.fromiter(deleted, dtype=np.int64)] = False
        docnums = np.flatnonzero(mask)
        if not len(docnums):
            continue
        total += len(docnums)
        pair_docs, pair_codes, codes = facet_pairs(segment.reader, facet_values)
        if len(pair_docs):
            tally = np.bincount(pair_codes[mask[pair_docs]], minlength=len(codes))
            for code in np.flatnonzero(tally):
                counts[codes[code]] = counts.get(codes[code], 0) + int(tally[code])
        keys = column(segment.reader, "stamp")[docnums].astype(np.float64) if newest_first else score[docnums]
        per_segment.append(_best(docnums, keys, score[docnums], limit, offset))
    if not per_segment:
        return Matched([], 0, {})
    docnums = np.concatenate([d for d, _, _ in per_segment])
    keys = np.concatenate([k for _, k, _ in per_segment])
    scores = np.concatenate([s for _, _, s in per_segment])
    order = np.lexsort((docnums, -keys))[:limit]
    return Matched([(int(docnums[i]), float(scores[i])) for i in order], total, counts)


def _best(docnums, keys, scores, limit, offset):
    """The segment's best `limit` documents by key (ties broken by document number, as Whoosh does),
    with every document tied at the cut kept, as global document numbers."""
    if len(docnums) > limit:
        cut = np.partition(keys, len(keys) - limit)[len(keys) - limit]
        chosen = keys >= cut
        docnums, keys, scores = docnums[chosen], keys[chosen], scores[chosen]
    return docnums + offset, keys, scores
