"""Demo practices from cop/demo/practices/*.md, loaded through the library's services, with a year of
reading around them: view counts, helpful marks, saves and follows dated after each practice appeared."""

import hashlib
import io
import random
from datetime import timedelta
from pathlib import Path

import click
import sqlalchemy as sa

from cop.extensions import db

FOLDER = Path(__file__).parent / "practices"
LIST_FIELDS = ("topics", "industries", "program_types", "student_levels", "competencies", "tags")


def parse_practice_file(path: Path) -> dict:
    """`key: value` header lines, a `---` line, then the Markdown body."""
    header, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
    data = {"body": body.strip() + "\n"}
    for line in header.splitlines():
        key, _, value = line.partition(":")
        if key.strip():
            data[key.strip()] = value.strip()
    for key in LIST_FIELDS:
        data[key] = [v.strip() for v in data.get(key, "").split(",") if v.strip()]
    return data


def first_version(body: str) -> str:
    """The body without its last `## ` section: what the member wrote before their update."""
    cut = body.rstrip().rfind("\n## ")
    return body[:cut].rstrip() + "\n" if cut > 0 else body


def _pick(people: list, key: str):
    digest = int(hashlib.sha256(key.encode()).hexdigest(), 16)
    return people[digest % len(people)]


def _demo_pdf(title: str) -> bytes:
    """A one-page PDF, small but valid, standing in for a toolkit document."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")[:80]
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _backdate(practice, days_ago: int) -> None:
    """Spread the demo over the last year, each update some weeks after its first version."""
    from cop.extensions import utcnow

    first = utcnow() - timedelta(days=days_ago, hours=days_ago % 9)
    update = first + timedelta(days=max(1, days_ago // 3))
    practice.created_at = practice.published_at = first
    practice.updated_at = update
    db.session.flush()
    for revision in db.session.scalars(practice.revisions.select()):
        revision.created_at = first if revision.number == 1 else update


def _some_time_after(start, rng: random.Random):
    """A moment between `start` and now, most often soon after it, as reading tails off."""
    from cop.extensions import utcnow

    span = (utcnow() - start).total_seconds()
    return start + timedelta(seconds=span * rng.random() ** 2)


def demo_views(days_online: int, helpful: int, rng: random.Random) -> int:
    """The rule for a demo practice's view count: a steady trickle for every day it has been online, more
    for a popular one (each helpful mark stands for a dozen readers or so), and some noise."""
    return int(days_online * rng.uniform(0.2, 0.8) + helpful * rng.randint(8, 16) + rng.randint(5, 40))


def _read_around(practice, author, readers: list, rng: random.Random) -> dict[str, int]:
    """Helpful marks, saves and discussion follows by other members, dated after publication, and the
    practice's view count; all through the services, so counters move as they would for real."""
    from cop.discussions import services as discussions
    from cop.discussions.models import Follow
    from cop.extensions import utcnow
    from cop.practices import services
    from cop.practices.models import Bookmark, HelpfulMark

    counts = {"helpful marks": 0, "saved practices": 0, "practice follows": 0}
    days_online = (utcnow() - practice.published_at).days
    # Older practices have had longer to collect marks; some simply strike a chord.
    markers = rng.sample(readers, min(len(readers), int(days_online / 365 * rng.uniform(2, 16)) + rng.randint(0, 3)))
    for reader in markers:
        counts["helpful marks"] += services.mark_helpful(practice, reader)
    for reader in rng.sample(readers, min(len(readers), len(markers) // 3 + rng.randint(0, 3))):
        counts["saved practices"] += services.save_practice(practice, reader)
    followers = [author] + rng.sample(readers, min(len(readers), rng.randint(0, 2)))
    for person in followers:
        counts["practice follows"] += discussions.follow(person, practice=practice)
    db.session.flush()
    for row in db.session.scalars(sa.select(HelpfulMark).where(HelpfulMark.practice_id == practice.id)):
        row.created_at = _some_time_after(practice.published_at, rng)
    for row in db.session.scalars(sa.select(Bookmark).where(Bookmark.practice_id == practice.id)):
        row.created_at = _some_time_after(practice.published_at, rng)
    for row in db.session.scalars(sa.select(Follow).where(Follow.practice_id == practice.id)):
        row.created_at = _some_time_after(practice.published_at, rng)
    practice.view_count = demo_views(days_online, len(markers), rng)
    return counts


def seed_library() -> dict[str, int]:
    """Practices with a first version and an update, a few toolkit documents, and a year of readers around
    them; a practice already there (by title) is left alone, so running again adds nothing."""
    from cop.auth.models import MemberStatus, User
    from cop.orgs.models import Organization
    from cop.practices import services
    from cop.competencies.models import Competency
    from cop.practices.models import Practice, Topic

    created = {"practices": 0, "helpful marks": 0, "saved practices": 0, "practice follows": 0, "attachments": 0}
    existing = set(db.session.scalars(sa.select(Practice.title)))
    topics = {t.slug: t for t in db.session.scalars(sa.select(Topic))}
    competencies = {c.slug: c for c in db.session.scalars(sa.select(Competency))}
    orgs = {o.name: o for o in db.session.scalars(sa.select(Organization))}
    people = db.session.scalars(sa.select(User).where(User.status == MemberStatus.active).order_by(User.id)).all()
    by_org: dict[int, list] = {}
    for person in people:
        by_org.setdefault(person.organization_id, []).append(person)

    files = sorted(FOLDER.glob("*.md"))
    with click.progressbar(files, label="Practices    ", show_pos=True) as bar:
        for path in bar:
            data = parse_practice_file(path)
            org = orgs.get(data.get("organization", ""))
            if data["title"] in existing or org is None or not by_org.get(org.id):
                continue
            author = _pick(by_org[org.id], data["title"])
            classification = services.Classification(
                topics=[topics[s] for s in data["topics"] if s in topics],
                competencies=[competencies[s] for s in data["competencies"] if s in competencies],
                tags=data["tags"], industries=data["industries"], program_types=data["program_types"],
                student_levels=data["student_levels"])
            practice = services.create_practice(author, title=data["title"], summary=data.get("summary", ""),
                                                body=first_version(data["body"]), classification=classification,
                                                organization=org, publish=True)
            if first_version(data["body"]) != data["body"]:
                services.update_practice(practice, author, title=practice.title, summary=practice.summary,
                                         body=data["body"], note="Added what we learned since")
            _backdate(practice, _pick(list(range(3, 360)), data["title"]))
            created["practices"] += 1
            readers = [p for p in people if p.organization_id != org.id]
            rng = random.Random(data["title"])  # seeded by the title: the same demo on every machine
            for what, n in _read_around(practice, author, readers, rng).items():
                created[what] += n
            if path.stem[1:3] in {"01", "07", "11", "17"}:
                services.add_attachment(practice, io.BytesIO(_demo_pdf(practice.title)),
                                        f"{practice.title} - toolkit.pdf", by=author)
                created["attachments"] += 1
    db.session.flush()
    return created
