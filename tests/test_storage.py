"""Attachments' files in the store COP_STORAGE_URL names: a local folder, or a real S3 server (SeaweedFS)
shared by every node. Uploads, downloads, deletes, the purge, seed-demo and copying local files in."""

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from config import TestConfig
from cop import create_app
from cop.extensions import db, utcnow
from cop.practices import services as library
from cop.practices.models import Attachment, Practice, Topic
from cop.storage import LocalStore, S3Store, StorageError, store, store_from_url
from tests.conftest import FormClient

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(params=["folder", "s3"])
def app(request, database_url, tmp_path):
    """The real app with its attachments in a folder, then again in a bucket on a real S3 server."""
    from cop.practices.taxonomy import ensure_taxonomy

    storage_url = request.getfixturevalue("s3_url") if request.param == "s3" else ""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, MAIL_DIR=str(tmp_path / "mail"),
                     COP_UPLOAD_DIR=str(tmp_path / "uploads"), COP_INDEX_DIR=str(tmp_path / "index"),
                     COP_STORAGE_URL=storage_url)
    app.test_client_class = FormClient
    with app.app_context():
        ensure_taxonomy()
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def practice(app, member):
    with app.app_context():
        author = db.session.merge(member)
        topics = db.session.scalars(sa.select(Topic).where(Topic.slug == "budget-and-funding")).all()
        made = library.create_practice(author, title="Budget templates", summary="Two templates.", body="Both.",
                                       publish=True, classification=library.Classification(topics=topics))
        db.session.commit()
        return made.id


def stored(app, name: str) -> bool:
    with app.app_context():
        return store().exists(name)


def upload(client, practice_id: int, body: bytes = PDF, name: str = "Budget template.pdf"):
    return client.post_form(f"/practices/{practice_id}/attachments", {"file": (io.BytesIO(body), name)},
                            page=f"/practices/{practice_id}", content_type="multipart/form-data")


def only_attachment(app, practice_id: int) -> Attachment:
    with app.app_context():
        [attachment] = db.session.get(Practice, practice_id).attachments
        db.session.expunge(attachment)
        return attachment


def test_upload_download_and_delete_go_through_the_store(app, client, member, practice, login):
    login(member)
    assert upload(client, practice).status_code == 302
    attachment = only_attachment(app, practice)
    assert stored(app, attachment.stored_name)
    url = f"/practices/{practice}/attachments/{attachment.id}"
    download = client.get(url)
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf" and download.content_length == len(PDF)
    assert download.headers["Content-Disposition"] == 'attachment; filename="Budget template.pdf"'
    assert download.headers["Cache-Control"] == "private, no-store"
    assert app.test_client().get(url).status_code == 302  # the permission check comes first, as before
    assert client.post_form(f"{url}/delete", page=f"/practices/{practice}").status_code == 302
    assert not stored(app, attachment.stored_name)
    assert client.get(url).status_code == 404


def test_a_file_gone_from_the_store_is_404_not_500(app, client, member, practice, login):
    login(member)
    upload(client, practice)
    attachment = only_attachment(app, practice)
    with app.app_context():
        store().delete(attachment.stored_name)
    assert client.get(f"/practices/{practice}/attachments/{attachment.id}").status_code == 404


def test_a_store_that_does_not_answer_is_503_and_an_upload_says_so(app, client, member, practice, login, tmp_path):
    login(member)
    upload(client, practice)
    attachment = only_attachment(app, practice)
    unreachable = S3Store("nowhere", endpoint="http://127.0.0.1:9")  # the discard port: connection refused
    unreachable.client.meta.config.retries = {"max_attempts": 1}
    app.extensions["cop_storage"] = unreachable
    assert client.get(f"/practices/{practice}/attachments/{attachment.id}").status_code == 503
    page = upload(client, practice, name="Second.pdf")
    assert page.status_code == 302
    assert "could not be stored" in client.get(f"/practices/{practice}").get_data(as_text=True)


def test_a_rolled_back_delete_keeps_the_file_and_a_rolled_back_upload_leaves_none(app, member, practice):
    with app.app_context():
        author = db.session.merge(member)
        attachment = library.add_attachment(db.session.get(Practice, practice), io.BytesIO(PDF), "a.pdf", author)
        db.session.commit()
        kept = attachment.stored_name
        library.remove_attachment(attachment)
        db.session.flush()
        db.session.rollback()
        assert store().exists(kept)
        orphan = library.add_attachment(db.session.get(Practice, practice), io.BytesIO(PDF), "b.pdf", author)
        assert store().exists(orphan.stored_name)
        db.session.rollback()
        assert not store().exists(orphan.stored_name)
        assert store().exists(kept)


def test_purging_old_deletions_removes_their_files(app, runner, member, facilitator, practice):
    with app.app_context():
        author = db.session.merge(member)
        name = library.add_attachment(db.session.get(Practice, practice), io.BytesIO(PDF), "a.pdf", author).stored_name
        doomed = db.session.get(Practice, practice)
        library.delete_practice(doomed, db.session.merge(facilitator))
        doomed.deleted_at = utcnow() - timedelta(days=31)
        db.session.commit()
        assert store().exists(name)
    assert "Purged 1 practice(s)." in runner.invoke(args=["practices", "purge-deleted"]).output
    assert not stored(app, name)


def test_copy_local_moves_existing_files_into_the_bucket(app, runner, member, practice, tmp_path, request):
    if isinstance(app.extensions["cop_storage"], LocalStore):
        result = runner.invoke(args=["storage", "copy-local"])
        assert result.exit_code != 0 and "same folder" in result.output
        return
    # Files uploaded while the node kept them on its own disk...
    local = LocalStore(tmp_path / "old-uploads")
    bucket = app.extensions["cop_storage"]
    app.extensions["cop_storage"] = local
    with app.app_context():
        author = db.session.merge(member)
        names = [library.add_attachment(db.session.get(Practice, practice), io.BytesIO(PDF + bytes([n])), f"{n}.pdf",
                                        author).stored_name for n in range(3)]
        db.session.commit()
    app.extensions["cop_storage"] = bucket
    (local.folder / names[2]).unlink()
    result = runner.invoke(args=["storage", "copy-local", "--from", str(local.folder)])
    assert "Copied 2 file(s); 0 already there; 1 missing" in result.output and result.exit_code == 1
    assert [stored(app, name) for name in names] == [True, True, False]
    with app.app_context():
        assert store().open(names[1]).read() == PDF + bytes([1])
    again = runner.invoke(args=["storage", "copy-local", "--from", str(local.folder)])
    assert "Copied 0 file(s); 2 already there; 1 missing" in again.output


@pytest.mark.parametrize("app", ["s3"], indirect=True)  # the folder: tests/test_demo.py
def test_seed_demo_writes_the_demo_files_into_the_store(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        names = db.session.scalars(sa.select(Attachment.stored_name)).all()
        assert names and all(store().exists(name) for name in names)
        assert store().open(names[0]).read(5) == b"%PDF-"


def test_the_storage_url_is_read_and_bad_ones_refused(tmp_path):
    assert isinstance(store_from_url("", tmp_path), LocalStore)
    assert store_from_url(f"file://{tmp_path}/x", tmp_path).folder == tmp_path / "x"
    bucket = store_from_url("s3://files/cop/uploads?endpoint=http://127.0.0.1:8333&region=eu-west-1", tmp_path)
    assert (bucket.bucket, bucket.prefix, bucket.endpoint) == ("files", "cop/uploads", "http://127.0.0.1:8333")
    assert bucket.describe() == "the bucket files/cop/uploads at http://127.0.0.1:8333"
    for wrong in ("ftp://x", "s3://", "uploads"):
        with pytest.raises(ValueError):
            store_from_url(wrong, tmp_path)


def test_a_local_store_refuses_names_it_did_not_make(tmp_path):
    local = LocalStore(tmp_path)
    (tmp_path.parent / "secret.txt").write_text("x")
    for name in ("../secret.txt", ".hidden", "", "a/b"):
        with pytest.raises(FileNotFoundError):
            local.open(name)
    with pytest.raises(StorageError):
        LocalStore(tmp_path / "missing").check()
