"""Flask's signed-cookie sessions, with each worker remembering the cookies it has already verified.

A member's browser sends the same session cookie with every request until the session changes. Checking
its signature and decoding it again each time (and building the signing serializer to do so) was about a
tenth of a cached page's time. A verified cookie is remembered by its exact text, with the time it was
signed, so the expiry check still runs on every request; any other text (a changed, tampered or expired
cookie) is verified by itsdangerous exactly as before.
"""

import copy
import threading
import time
from collections import OrderedDict

from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature


class VerifiedCookieSessionInterface(SecureCookieSessionInterface):
    remembered = 4096  # cookies per worker: one per member active on it, and a few spare

    def __init__(self):
        self._serializers: dict[tuple, object] = {}
        self._verified: OrderedDict[tuple, tuple[dict, float, bool]] = OrderedDict()
        self._lock = threading.Lock()

    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None
        # A serializer depends on nothing but the keys; build one per set of keys, not one per request.
        keys = (tuple(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        found = self._serializers.get(keys)
        if found is None:
            found = self._serializers[keys] = super().get_signing_serializer(app)
        return found

    def open_session(self, app, request):
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        text = request.cookies.get(self.get_cookie_name(app))
        if not text:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (id(serializer), text)
        with self._lock:
            found = self._verified.get(key)
            if found is not None:
                self._verified.move_to_end(key)
        if found is not None:
            data, signed_at, flat = found
            if time.time() - signed_at <= max_age:
                # Each request gets its own copy: a view may change the session, even a list inside it.
                return self.session_class(data if flat else copy.deepcopy(data))
        try:
            data, signed = serializer.loads(text, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        flat = all(isinstance(value, (str, int, float, bool, type(None))) for value in data.values())
        with self._lock:
            self._verified[key] = (data if flat else copy.deepcopy(data), signed.timestamp(), flat)
            while len(self._verified) > self.remembered:
                self._verified.popitem(last=False)
        return self.session_class(data)
