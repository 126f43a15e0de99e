"""Discussions at scale as bulk rows: the categories the app would make (General, one per topic,
Introductions), threads across them, threaded replies placed by the app's own rule
(`cop.discussions.services.place_reply`), answers, helpful marks, follows and read marks, and the counters
the services keep on threads and categories."""

import bisect
import html
import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace

from bench import vocabulary

TARGET_REPLIES = 50       # the thread-page benchmark's thread has exactly this many replies
QUESTION_SHARE = 0.45
ANSWERED_SHARE = 0.5      # of questions with replies
PRACTICE_SHARE = 0.12     # threads about a practice ("Discuss this practice")
SILENT_SHARE = 0.12       # threads nobody answered yet
CHILD_SHARE = 0.35        # replies that answer another reply rather than the thread
DELETED_SHARE = 0.01      # replies removed by their author (a placeholder stays)
HIDDEN_REPLY_SHARE = 0.003
HIDDEN_THREAD_SHARE = 0.003
LOCKED_SHARE = 0.005
FACILITATOR_ID = 1        # data._users makes the first four users the facilitators


@dataclass
class ThreadPlan:
    id: int
    created_at: datetime
    category_id: int
    author_id: int
    kind: str
    practice_id: int | None
    is_target: bool = False
    hidden: bool = False
    replies: list = None   # reply ids in time order


class PostWriter:
    """Posts in members' words, Markdown and the HTML the app stores for it (no @mentions, so
    `render_post` gives exactly `render_markdown`)."""

    def __init__(self, writer):
        self.writer = writer
        self.rng = writer.rng

    def _capital(self, text: str) -> str:
        return text[0].upper() + text[1:]

    def fill(self, template: str, **names) -> str:
        for name, value in names.items():
            template = template.replace("{" + name + "}", value)
        return self._capital(self.writer.fill(template))

    def post(self, paragraphs: int, first: str | None = None, list_chance: float = 0.0) -> tuple[str, str]:
        rng = self.rng
        md, out = [], []
        for i in range(paragraphs):
            sentences = [self.writer.sentence() for _ in range(rng.randint(1, 4))]
            if i == 0 and first:
                sentences.insert(0, first)
            text = " ".join(sentences)
            md.append(text)
            out.append(f"<p>{html.escape(text, quote=False)}</p>")
            if rng.random() < list_chance:
                items = [self._capital(self.writer.fill(rng.choice(vocabulary.LIST_ITEM)))
                         for _ in range(rng.randint(2, 4))]
                md.append("\n".join(f"- {item}" for item in items))
                out.append("<ul>\n" + "\n".join(f"<li>{html.escape(item, quote=False)}</li>" for item in items)
                           + "\n</ul>")
        return "\n\n".join(md) + "\n", "\n".join(out)


def check_posts(writer_factory, samples: int = 8) -> list[int]:
    """Indexes of sample posts whose HTML differs from what `render_post` stores (should be none)."""
    from cop.discussions.services import render_post

    posts = PostWriter(writer_factory(random.Random(7)))
    bad = []
    for i in range(samples):
        body, body_html = posts.post(1 + i % 3, "Good question." if i % 2 else None, list_chance=0.5)
        if render_post(body)[0] != body_html:
            bad.append(i)
    return bad


class Forum:
    """Plans every thread and reply first (times, parents, authors, states: small tuples), then writes the
    rows chunk by chunk with their text, so memory stays bounded by the plan."""

    def __init__(self, rng: random.Random, writer, users: list[dict], orgs: list[dict], topic_ids: list[int],
                 practices: list[tuple[datetime, int, int]], now: datetime):
        from cop.auth.models import MemberStatus

        self.rng, self.now = rng, now
        self.posts = PostWriter(writer)
        self.orgs = {o["id"]: o for o in orgs}
        self.users = {u["id"]: u for u in users}
        self.active = [u["id"] for u in users if u["status"] is MemberStatus.active]
        # A few members post a lot, most post now and then.
        self.weights = [rng.paretovariate(1.3) for _ in self.active]
        self.topic_ids = topic_ids
        self.practices = sorted(practices)  # (published_at, practice id, first topic id)
        self.practice_times = [p[0] for p in self.practices]

    # Categories, in the order list_categories() shows them; the ids are arbitrary, as in the app where a
    # row appears when something first needs it.
    def categories(self) -> list[dict]:
        rows = [{"id": 1, "fixed": "general", "topic_id": None, "thread_count": 0}]
        rows += [{"id": i + 2, "fixed": None, "topic_id": topic_id, "thread_count": 0}
                 for i, topic_id in enumerate(self.topic_ids)]
        rows.append({"id": len(rows) + 1, "fixed": "introductions", "topic_id": None, "thread_count": 0})
        self.category_of_topic = {r["topic_id"]: r["id"] for r in rows if r["topic_id"]}
        self.general_id, self.introductions_id = rows[0]["id"], rows[-1]["id"]
        return rows

    def _author(self) -> int:
        return self.rng.choices(self.active, self.weights)[0]

    def plan(self, threads: int, replies: int) -> None:
        rng, now = self.rng, self.now
        topic_categories = [self.category_of_topic[t] for t in self.topic_ids]
        category_ids = [self.general_id] + topic_categories + [self.introductions_id]
        category_weights = [12.0] + [rng.uniform(0.5, 2.0) * 83 / len(topic_categories)
                                     for _ in topic_categories] + [5.0]
        ages = sorted((rng.uniform(0, 900) for _ in range(threads)), reverse=True)
        self.threads: list[ThreadPlan] = []
        target_index = min(threads - 1, int(threads * 0.9))
        for index, age in enumerate(ages):
            created = now - timedelta(days=age)
            is_target = index == target_index
            if index == 0:
                category, author = self.general_id, FACILITATOR_ID  # the facilitators' pinned welcome
            elif is_target:
                category, author = topic_categories[0], self._author()
            else:
                category, author = rng.choices(category_ids, category_weights)[0], self._author()
            practice_id = None
            if category not in (self.general_id, self.introductions_id) and not is_target \
                    and rng.random() < PRACTICE_SHARE:
                published = bisect.bisect_left(self.practice_times, created)
                if published:
                    _, practice_id, topic_id = self.practices[rng.randrange(published)]
                    category = self.category_of_topic.get(topic_id, category)
            kind = "question" if (category != self.introductions_id and index and not is_target
                                  and rng.random() < QUESTION_SHARE) else "discussion"
            self.threads.append(ThreadPlan(id=index + 1, created_at=created, category_id=category, author_id=author,
                                           kind=kind, practice_id=practice_id, is_target=is_target, replies=[]))
        for thread in self.threads:
            thread.hidden = (not thread.is_target and thread.id != 1 and rng.random() < HIDDEN_THREAD_SHARE)

        # How many replies each thread gets: the target exactly TARGET_REPLIES, the rest skewed.
        target = self.threads[target_index] if self.threads else None
        fixed = min(TARGET_REPLIES, replies) if target else 0
        weights = [0.0 if t.is_target or rng.random() < SILENT_SHARE else rng.lognormvariate(0, 1.0)
                   for t in self.threads]
        counts = Counter()
        if sum(weights):
            counts = Counter(rng.choices(range(len(self.threads)), weights, k=replies - fixed))
        if target:
            counts[target_index] = fixed

        # (created_at, thread index, local index, parent local index or -1, author id, state)
        plan = []
        for index, thread in enumerate(self.threads):
            count = counts.get(index, 0)
            if not count:
                continue
            span = min((now - thread.created_at).total_seconds(), rng.uniform(1, 120) * 86400 * (1 + count / 40))
            offsets = sorted(rng.uniform(60, max(120.0, span)) for _ in range(count))
            child_share = 0.5 if thread.is_target else CHILD_SHARE
            for local, offset in enumerate(offsets):
                parent = -1
                if local and rng.random() < child_share:
                    parent = local - 1 - min(int(rng.expovariate(0.5)), local - 1)
                author = thread.author_id if rng.random() < 0.15 else self._author()
                state = "readable"
                if not thread.is_target:
                    roll = rng.random()
                    if roll < DELETED_SHARE:
                        state = "deleted"
                    elif roll < DELETED_SHARE + HIDDEN_REPLY_SHARE:
                        state = "hidden"
                plan.append((min(now, thread.created_at + timedelta(seconds=offset)), index, local, parent, author,
                             state))
        plan.sort(key=lambda p: (p[0], p[1], p[2]))
        self.reply_plan = plan
        by_local: dict[int, dict[int, int]] = {}
        for reply_id, (_, index, local, _, _, _) in enumerate(plan, start=1):
            by_local.setdefault(index, {})[local] = reply_id
            self.threads[index].replies.append(reply_id)
        self._by_local = by_local

    def thread_rows(self) -> tuple[list[dict], dict]:
        """Threads with their text and stored counters; also the facts the reply rows need."""
        from cop.discussions.models import ThreadKind
        from cop.discussions.services import place_reply

        rng, now = self.rng, self.now
        placed: dict[int, SimpleNamespace] = {}
        info = {}
        # Where each reply shows: the app's own rule, applied in id order so parents come first.
        for reply_id, (created, index, local, parent_local, author, state) in enumerate(self.reply_plan, start=1):
            parent = placed[self._by_local[index][parent_local]] if parent_local >= 0 else None
            reply = SimpleNamespace(id=reply_id, depth=0, path="")
            place_reply(reply, parent)
            placed[reply_id] = reply
            info[reply_id] = {"created_at": created, "thread": index, "author_id": author, "state": state,
                              "parent_id": parent.id if parent else None, "path": reply.path, "depth": reply.depth}
        self.reply_info = info

        rows = []
        for thread in self.threads:
            readable = [r for r in thread.replies if info[r]["state"] == "readable"]
            last = readable[-1] if readable else None  # ids follow time, so the last id is the latest
            answered_at = None
            if thread.kind == "question" and readable and rng.random() < ANSWERED_SHARE:
                candidates = [r for r in readable if info[r]["author_id"] != thread.author_id][:5]
                if candidates:
                    answer = rng.choice(candidates)
                    info[answer]["is_answer"] = True
                    answered_at = min(now, info[answer]["created_at"] + timedelta(hours=rng.uniform(1, 120)))
            title, body, body_html = self._opening(thread)
            hidden_at = thread.created_at + timedelta(days=rng.uniform(0, 3)) if thread.hidden else None
            rows.append({
                "id": thread.id, "title": title[:200], "body": body, "body_html": body_html,
                "kind": ThreadKind(thread.kind), "category_id": thread.category_id, "practice_id": thread.practice_id,
                "author_id": thread.author_id, "created_at": thread.created_at, "edited_at": None,
                "reply_count": len(readable),
                "last_activity_at": info[last]["created_at"] if last else thread.created_at,
                "last_poster_id": info[last]["author_id"] if last else None,
                "answered_at": answered_at, "is_pinned": thread.id == 1 or thread.id in self._pinned(),
                "is_locked": not thread.is_target and thread.id != 1 and rng.random() < LOCKED_SHARE,
                "hidden_at": min(now, hidden_at) if hidden_at else None,
                "hidden_by_id": FACILITATOR_ID if thread.hidden else None, "merged_into_id": None,
            })
        return rows, info

    def _pinned(self) -> set[int]:
        if not hasattr(self, "_pinned_ids"):
            candidates = [t.id for t in self.threads if not t.hidden and not t.is_target and t.id != 1
                          and t.category_id != self.introductions_id]
            self._pinned_ids = set(self.rng.sample(candidates, min(2, len(candidates))))
        return self._pinned_ids

    def _opening(self, thread: ThreadPlan) -> tuple[str, str, str]:
        rng, posts = self.rng, self.posts
        if thread.id == 1:
            title = "Welcome: how this community works"
            body, body_html = posts.post(3, "Welcome, and thank you for joining.", list_chance=0.5)
            return title, body, body_html
        if thread.category_id == self.introductions_id:
            user = self.users[thread.author_id]
            org = self.orgs[user["organization_id"]]["name"]
            title = posts.fill(rng.choice(vocabulary.INTRODUCTION_TITLE), ORG=org, JOB=user["title"])
            first = f"I am the {user['title']} at {org}."
            body, body_html = posts.post(rng.randint(1, 2), first)
            return title, body, body_html
        title = posts.fill(rng.choice(vocabulary.THREAD_TITLE))
        question = posts.fill(rng.choice(vocabulary.QUESTION))
        body, body_html = posts.post(rng.randint(1, 3), question, list_chance=0.1)
        return title, body, body_html

    def reply_rows(self, start: int, stop: int) -> list[dict]:
        """Replies with ids start..stop-1 (their text written now, so the plan is all that is kept)."""
        rng, now, posts = self.rng, self.now, self.posts
        rows = []
        for reply_id in range(start, stop):
            item = self.reply_info[reply_id]
            opener = rng.choice(vocabulary.REPLY_OPENER) if rng.random() < 0.5 else None
            body, body_html = posts.post(rng.choices([1, 2, 3], [55, 35, 10])[0], opener, list_chance=0.06)
            created, state = item["created_at"], item["state"]
            rows.append({
                "id": reply_id, "thread_id": self.threads[item["thread"]].id, "parent_id": item["parent_id"],
                "path": item["path"], "depth": item["depth"], "author_id": item["author_id"], "body": body,
                "body_html": body_html, "created_at": created, "edited_at": None,
                "deleted_at": min(now, created + timedelta(hours=rng.uniform(1, 48))) if state == "deleted" else None,
                "hidden_at": min(now, created + timedelta(hours=rng.uniform(1, 72))) if state == "hidden" else None,
                "hidden_by_id": FACILITATOR_ID if state == "hidden" else None,
                "is_answer": bool(item.get("is_answer")), "helpful_count": 0,
            })
        return rows

    def helpful_marks(self, replies: list[dict]) -> list[dict]:
        """Marks for a chunk of replies (readable ones only); sets each reply's helpful_count to match."""
        rng, now = self.rng, self.now
        marks = []
        for reply in replies:
            if reply["deleted_at"] or reply["hidden_at"] or rng.random() < 0.7:
                continue
            count = min(len(self.active) - 1, int(rng.lognormvariate(0.3, 0.8)) + 1)
            markers = [u for u in rng.sample(self.active, count + 1) if u != reply["author_id"]][:count]
            for user_id in markers:
                marks.append({"reply_id": reply["id"], "user_id": user_id,
                              "created_at": min(now, reply["created_at"] + timedelta(hours=rng.uniform(0, 200)))})
            reply["helpful_count"] = len(markers)
        return marks

    def follows_and_reads(self) -> tuple[list[dict], list[dict]]:
        """Everyone who posted in a thread follows it and has read it up to their last post (what
        create_thread and add_reply do); a few members follow categories."""
        rng = self.rng
        follows, reads = [], []
        for thread in self.threads:
            first: dict[int, datetime] = {thread.author_id: thread.created_at}
            last: dict[int, datetime] = {thread.author_id: thread.created_at}
            for reply_id in thread.replies:
                item = self.reply_info[reply_id]
                first.setdefault(item["author_id"], item["created_at"])
                last[item["author_id"]] = item["created_at"]
            for user_id, at in first.items():
                follows.append({"user_id": user_id, "thread_id": thread.id, "category_id": None,
                                "practice_id": None, "created_at": at})
            for user_id, at in last.items():
                reads.append({"user_id": user_id, "thread_id": thread.id, "read_at": at})
        categories = [self.general_id, self.introductions_id] + list(self.category_of_topic.values())
        for user_id in rng.sample(self.active, min(60, len(self.active))):
            for category_id in rng.sample(categories, rng.randint(1, 2)):
                follows.append({"user_id": user_id, "thread_id": None, "category_id": category_id,
                                "practice_id": None, "created_at": self.now - timedelta(days=rng.uniform(1, 400))})
        for index, row in enumerate(follows, start=1):
            row["id"] = index
        return follows, reads

    def moderation_log(self, thread_rows: list[dict]) -> list[dict]:
        """One log entry per hidden thread and reply, as the facilitators' hide actions write them."""
        rows = []
        for thread in thread_rows:
            if thread["hidden_at"]:
                rows.append({"action": "hide", "actor_id": FACILITATOR_ID, "thread_id": thread["id"], "reply_id": None,
                             "target_user_id": thread["author_id"], "detail": "", "created_at": thread["hidden_at"]})
        return rows

    def target_thread_id(self) -> int | None:
        return next((t.id for t in self.threads if t.is_target), None)
