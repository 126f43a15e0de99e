"""Session cookies: a worker remembers the cookies it verified, and that must never let a bad one through."""

from datetime import timedelta

from flask import Flask, session

from cop.sessions import VerifiedCookieSessionInterface


def _signed_in_cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_remembered_cookie_still_signs_in_and_a_tampered_one_never(app, client, member, login):
    login(member)
    cookie = _signed_in_cookie(client)
    for _ in range(2):  # verified, then remembered
        assert client.get("/discussions/").status_code == 200
    assert app.session_interface._verified  # the second request took the remembered path
    forged = cookie[:-3] + ("AAA" if not cookie.endswith("AAA") else "BBB")
    client.set_cookie("session", forged)
    assert client.get("/discussions/").status_code == 302  # to the sign-in page
    client.set_cookie("session", cookie)
    assert client.get("/discussions/").status_code == 200


def test_a_remembered_cookie_expires_like_any_other(app, client, member, login):
    login(member)
    assert client.get("/discussions/").status_code == 200
    app.permanent_session_lifetime = timedelta(seconds=-1)  # every cookie is now too old
    answer = client.get("/discussions/")
    assert answer.status_code == 302 and "/auth/signin" in answer.headers["Location"]


def _app(secret: str) -> Flask:
    app = Flask(__name__)
    app.secret_key = secret
    app.session_interface = VerifiedCookieSessionInterface()

    @app.get("/set")
    def set_session():
        session["seen"] = [1, 2]
        session["name"] = "Dana"
        return "ok"

    @app.get("/change")
    def change_in_place():
        session["seen"].append(3)  # an in-place change a view forgot to mark as a modification
        return ",".join(map(str, session["seen"]))

    @app.get("/read")
    def read():
        return ",".join(map(str, session.get("seen", [])))

    return app


def test_each_request_gets_its_own_copy_of_a_remembered_session():
    app = _app("one secret")
    client = app.test_client()
    client.get("/set")
    assert client.get("/change").get_data(as_text=True) == "1,2,3"
    # The cookie did not change, so the next request must see what the cookie says, not the change above.
    assert client.get("/read").get_data(as_text=True) == "1,2"
    assert client.get("/change").get_data(as_text=True) == "1,2,3"


def test_a_cookie_verified_under_one_secret_is_not_taken_under_another():
    interface = VerifiedCookieSessionInterface()
    first, second = _app("first secret"), _app("second secret")
    first.session_interface = second.session_interface = interface
    client = first.test_client()
    client.get("/set")
    cookie = client.get_cookie("session").value
    assert client.get("/read").get_data(as_text=True) == "1,2"
    other = second.test_client()
    other.set_cookie("session", cookie)
    assert other.get("/read").get_data(as_text=True) == ""
