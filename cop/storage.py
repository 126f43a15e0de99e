"""Where uploaded files live: a folder on this machine (the embedded default) or an S3-compatible bucket
shared by every node, chosen by one setting, COP_STORAGE_URL.

    COP_STORAGE_URL=                        the folder COP_UPLOAD_DIR (one machine)
    COP_STORAGE_URL=s3://bucket/prefix?endpoint=https://s3.example.net&region=eu-west-1

The bucket's keys come from the usual places boto3 looks (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,
~/.aws, an instance role), never from the URL, so the setting can be shown and logged.

Files are written before the database row that names them is committed; a removal waits for the commit
(a rolled-back delete keeps its file), and a write whose transaction does not commit is removed again.
"""

import logging
import os
import re
import secrets
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import click
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Response, abort, current_app, send_file

log = logging.getLogger(__name__)
CHUNK = 64 * 1024


class StorageError(Exception):
    """The store could not be reached or refused the request."""


class LocalStore:
    """Files in one folder, each written to a temporary name and renamed, so a reader never sees half."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def describe(self) -> str:
        return f"the folder {self.folder}"

    def put(self, name: str, stream) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        temp = self.folder / f".{name}.{uuid.uuid4().hex}.part"
        try:
            with temp.open("wb") as out:
                while chunk := stream.read(CHUNK):
                    out.write(chunk)
            os.replace(temp, self._path(name))
        finally:
            temp.unlink(missing_ok=True)

    def open(self, name: str):
        """A binary file object to stream from; FileNotFoundError if there is no such file."""
        return self._path(name).open("rb")

    def exists(self, name: str) -> bool:
        return self._path(name).is_file()

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    def check(self) -> None:
        if not self.folder.is_dir() or not os.access(self.folder, os.R_OK | os.W_OK | os.X_OK):
            raise StorageError("the upload folder is missing or not writable")

    def _path(self, name: str) -> Path:
        if not name or "/" in name or "\\" in name or name.startswith("."):
            raise FileNotFoundError(name)  # stored names are generated; anything else is not ours
        return self.folder / name


class S3Store:
    """Objects in an S3-compatible bucket (AWS, SeaweedFS, MinIO, Garage...), under an optional prefix."""

    def __init__(self, bucket: str, prefix: str = "", endpoint: str | None = None, region: str | None = None):
        import boto3
        from botocore.config import Config as BotoConfig

        self.bucket, self.prefix, self.endpoint = bucket, prefix.strip("/"), endpoint
        options = {"addressing_style": "path"} if endpoint else {}
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint, region_name=region or "us-east-1",
            config=BotoConfig(s3=options, connect_timeout=5, read_timeout=30,
                              retries={"max_attempts": 3, "mode": "standard"}))

    def describe(self) -> str:
        where = f" at {self.endpoint}" if self.endpoint else ""
        return f"the bucket {self.bucket}{'/' + self.prefix if self.prefix else ''}{where}"

    def put(self, name: str, stream) -> None:
        self._call(self.client.upload_fileobj, stream, self.bucket, self._key(name))

    def open(self, name: str):
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(name))["Body"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                raise FileNotFoundError(name) from None
            raise StorageError(_reason(error)) from None
        except Exception as error:  # noqa: BLE001  connection failures come in many classes
            raise StorageError(_reason(error)) from None

    def exists(self, name: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(name))
            return True
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise StorageError(_reason(error)) from None
        except Exception as error:  # noqa: BLE001
            raise StorageError(_reason(error)) from None

    def delete(self, name: str) -> None:
        self._call(self.client.delete_object, Bucket=self.bucket, Key=self._key(name))

    def check(self) -> None:
        self._call(self.client.head_bucket, Bucket=self.bucket)

    def create_bucket(self) -> None:
        """For a fresh test or development server; production buckets are made by the operator."""
        self._call(self.client.create_bucket, Bucket=self.bucket)

    def _key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def _call(self, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except Exception as error:  # noqa: BLE001
            raise StorageError(_reason(error)) from None


def _reason(error: Exception) -> str:
    """What went wrong, without request details (signed URLs, keys) that an exception's text may carry."""
    code = (getattr(error, "response", None) or {}).get("Error", {}).get("Code")
    return f"{type(error).__name__}: {code}" if code else type(error).__name__


def store_from_url(url: str, upload_dir: str | Path):
    """The store COP_STORAGE_URL names: empty or file:// for a folder, s3://bucket/prefix?endpoint=&region=."""
    url = (url or "").strip()
    if not url:
        return LocalStore(upload_dir)
    parts = urlsplit(url)
    if parts.scheme == "file":
        return LocalStore(parts.path or upload_dir)
    if parts.scheme == "s3" and parts.netloc:
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        return S3Store(parts.netloc, parts.path, endpoint=options.get("endpoint"), region=options.get("region"))
    raise ValueError("COP_STORAGE_URL must be empty, file:///folder or s3://bucket/prefix?endpoint=...&region=...")


def store():
    """The current app's store."""
    return current_app.extensions["cop_storage"]


def remove_after_commit(name: str) -> None:
    """Remove the file once the current transaction commits; if it rolls back, the file stays."""
    from cop.extensions import db

    db.session.info.setdefault("storage_removals", []).append((store(), name))


def put_in_transaction(name: str, stream) -> None:
    """Store a file that a row of the current transaction will name; removed again if it rolls back."""
    from cop.extensions import db

    target = store()
    target.put(name, stream)
    db.session.info.setdefault("storage_writes", []).append((target, name))


# Uploads (practice attachments, files in private messages): the type is decided by the bytes, never by
# the name or the browser's claim, and the file is kept under a generated name.

UPLOAD_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
UPLOAD_KINDS = "PDF, Word, Excel, PowerPoint, PNG or JPG"
_OFFICE_MARKERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


class UploadError(ValueError):
    """An upload was refused; the message is safe to show."""


@dataclass(frozen=True)
class StoredUpload:
    """What a row that names a stored upload records."""
    filename: str
    stored_name: str
    content_type: str
    size: int


class StoredFileColumns:
    """The columns of a row that names a stored upload (a practice's attachment, a file in a message), as
    `store_upload` fills them and `send_stored` reads them."""

    filename: so.Mapped[str] = so.mapped_column(sa.String(255))
    stored_name: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    content_type: so.Mapped[str] = so.mapped_column(sa.String(120))
    size: so.Mapped[int]

    def export_entry(self, file: str) -> dict:
        """How a member's data export lists the file (docs/export.md); `file` is its path in the ZIP."""
        return {"id": self.id, "filename": self.filename, "content_type": self.content_type, "size": self.size,
                "file": file}


def sniff_type(head: bytes, stream) -> str | None:
    """The upload kind its content proves, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        try:
            stream.seek(0)
            with zipfile.ZipFile(stream) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        for kind, marker in _OFFICE_MARKERS.items():
            if any(name.startswith(marker) for name in names):
                return kind
    return None


def _clean_filename(name: str, kind: str) -> str:
    stem = Path(name or "document").stem
    stem = re.sub(r"[^\w .()-]+", "", stem, flags=re.UNICODE).strip(" .") or "document"
    return f"{stem[:120]}.{kind}"


def store_upload(stream, filename: str) -> StoredUpload:
    """Check an upload's size (COP_ATTACHMENT_MAX_BYTES) and content, then store it in the current
    transaction (removed again if it rolls back). UploadError says why one is refused."""
    limit = current_app.config["COP_ATTACHMENT_MAX_BYTES"]
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise UploadError("The file is empty.")
    if size > limit:
        raise UploadError(f"The file is larger than {limit // (1024 * 1024)} MB.")
    kind = sniff_type(stream.read(8), stream)
    if kind is None:
        raise UploadError("Only PDF, Word, Excel, PowerPoint, PNG and JPG files can be attached, "
                          "and the file's contents must match.")
    stored_name = f"{secrets.token_hex(16)}.{kind}"
    stream.seek(0)
    try:
        put_in_transaction(stored_name, stream)
    except StorageError as error:
        raise UploadError("The file could not be stored just now; please try again in a minute.") from error
    return StoredUpload(filename=_clean_filename(filename, kind), stored_name=stored_name,
                        content_type=UPLOAD_TYPES[kind], size=size)


def send_stored(upload) -> Response:
    """A download of a stored upload (any row with filename, stored_name, content_type and size), streamed
    from the store in chunks; 404 when its file is gone, 503 when the store does not answer. The caller
    has decided that the viewer may have it."""
    try:
        stream = store().open(upload.stored_name)
    except FileNotFoundError:
        abort(404)
    except StorageError:
        current_app.logger.warning("The file store did not answer for %s", upload.stored_name)
        abort(503)
    response = send_file(stream, mimetype=upload.content_type, as_attachment=True, download_name=upload.filename,
                         max_age=0, conditional=False, etag=False)
    response.content_length = upload.size
    response.headers["Cache-Control"] = "private, no-store"
    return response


@sa.event.listens_for(so.Session, "after_commit")
def _removed_on_commit(session):
    session.info.pop("storage_writes", None)
    for target, name in session.info.pop("storage_removals", []):
        try:
            target.delete(name)
        except StorageError as error:  # the row is gone; an orphan file is harmless, and logged
            log.warning("Could not remove stored file %s (%s)", name, error)


@sa.event.listens_for(so.Session, "after_transaction_end")
def _forgotten_unless_committed(session, transaction):
    # After a commit the lists are gone already; after a rollback, or a request that ended without
    # committing, the files written for rows that never were are removed again.
    if transaction.parent is not None:
        return
    session.info.pop("storage_removals", None)
    for target, name in session.info.pop("storage_writes", []):
        try:
            target.delete(name)
        except StorageError as error:
            log.warning("Could not remove stored file %s (%s)", name, error)


def init_app(app):
    app.extensions["cop_storage"] = target = store_from_url(app.config.get("COP_STORAGE_URL", ""),
                                                            app.config["COP_UPLOAD_DIR"])
    if isinstance(target, LocalStore):
        target.folder.mkdir(parents=True, exist_ok=True)  # file:///elsewhere, like the default, exists from the start

    @app.cli.group("storage")
    def storage_cli():
        """Where uploaded files are kept."""

    @storage_cli.command("copy-local")
    @click.option("--from", "folder", type=click.Path(file_okay=False), default=None,
                  help="The folder to copy from (COP_UPLOAD_DIR by default).")
    def copy_local(folder):
        """Copy the files attachments (of practices and messages) name from a local folder into the configured store (safe to run again)."""
        from cop.extensions import db
        from cop.messages.models import MessageAttachment
        from cop.practices.models import Attachment

        source = LocalStore(folder or app.config["COP_UPLOAD_DIR"])
        target = store()
        if isinstance(target, LocalStore) and target.folder.resolve() == source.folder.resolve():
            raise click.ClickException("COP_STORAGE_URL names the same folder: set it to the store to copy into.")
        names = db.session.scalars(sa.select(Attachment.stored_name).order_by(Attachment.id)).all()
        names += db.session.scalars(sa.select(MessageAttachment.stored_name).order_by(MessageAttachment.id)).all()
        copied = present = missing = 0
        with click.progressbar(names, label=f"Copying into {target.describe()}", show_pos=True) as bar:
            for name in bar:
                if target.exists(name):
                    present += 1
                    continue
                try:
                    with source.open(name) as handle:
                        target.put(name, handle)
                    copied += 1
                except FileNotFoundError:
                    missing += 1
        click.echo(f"Copied {copied} file(s); {present} already there; {missing} missing from {source.folder}.")
        if missing:
            raise SystemExit(1)

    @storage_cli.command("check")
    def check():
        """Say whether the configured store answers."""
        target = store()
        try:
            target.check()
        except StorageError as error:
            raise click.ClickException(f"{target.describe()} does not answer: {error}") from None
        click.echo(f"Attachments are kept in {target.describe()}, which answers.")
