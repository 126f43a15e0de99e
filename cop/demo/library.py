"""Demo practices from cop/demo/practices/*.md, loaded through the library's services."""

import hashlib
import io
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
    """Spread the demo over two years, each update some months after its first version."""
    from cop.extensions import utcnow

    first = utcnow() - timedelta(days=days_ago, hours=days_ago % 9)
    update = first + timedelta(days=max(1, days_ago // 3))
    practice.created_at = practice.published_at = first
    practice.updated_at = update
    db.session.flush()
    for revision in db.session.scalars(practice.revisions.select()):
        revision.created_at = first if revision.number == 1 else update


def seed_library() -> dict[str, int]:
    """Practices with a first version and an update, helpful marks, and a few toolkit documents."""
    from cop.auth.models import MemberStatus, User
    from cop.orgs.models import Organization
    from cop.practices import services
    from cop.practices.models import Competency, Practice, Topic

    created = {"practices": 0, "helpful marks": 0, "attachments": 0}
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
            _backdate(practice, _pick(list(range(20, 700)), data["title"]))
            created["practices"] += 1
            readers = [p for p in people if p.organization_id != org.id]
            for reader in readers[int(path.stem[1:3] or 0) % 5::7][:9]:
                services.mark_helpful(practice, reader)
                created["helpful marks"] += 1
            if path.stem[1:3] in {"01", "07", "11", "17"}:
                services.add_attachment(practice, io.BytesIO(_demo_pdf(practice.title)),
                                        f"{practice.title} - toolkit.pdf", by=author)
                created["attachments"] += 1
    db.session.flush()
    return created
