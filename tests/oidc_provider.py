"""A small, real OpenID Connect provider for the tests: discovery, authorization (code with PKCE), token,
userinfo and JWKS, served over HTTP on a free port of 127.0.0.1 in a thread.

It signs ID tokens with its own RSA key through joserfc, checks the client's secret, the redirect URI and
the PKCE verifier as a provider must, and signs in whoever `person` says (there is no login page: the test
plays the person). `misbehave` makes the next tokens wrong in one way, so the app's refusals can be seen:
"audience", "expired", "tampered", "issuer", "nonce".
"""

import base64
import hashlib
import secrets
import threading
import time
from urllib.parse import urlencode

from flask import Flask, abort, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server


class Provider:
    def __init__(self, client_id: str = "cop-test-client", client_secret: str = "s3cret-for-the-tests-only"):
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key-1", "use": "sig", "alg": "RS256"})
        self.person = {"sub": "employee-1001", "email": "pat.employee@crestline.example", "email_verified": True,
                       "name": "Pat Employee"}
        self.misbehave: str | None = None
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.requests: list[str] = []
        self.app = self._build()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "Provider":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)

    def id_token(self, claims: dict, nonce: str) -> str:
        now = int(time.time())
        body = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 300, "nonce": nonce, **claims}
        if self.misbehave == "audience":
            body["aud"] = "some-other-application"
        elif self.misbehave == "expired":
            body["iat"], body["exp"] = now - 7200, now - 3600
        elif self.misbehave == "issuer":
            body["iss"] = "https://impostor.example"
        elif self.misbehave == "nonce":
            body["nonce"] = "not-the-nonce-the-app-sent"
        token = jwt.encode({"alg": "RS256", "kid": "test-key-1"}, body, self.key)
        if self.misbehave == "tampered":
            header, payload, signature = token.split(".")
            decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
            forged = decoded.replace(claims["email"].encode(), b"boss@crestline.example")
            token = ".".join([header, base64.urlsafe_b64encode(forged).rstrip(b"=").decode(), signature])
        return token

    def _build(self) -> Flask:
        app = Flask("oidc-test-provider")
        provider = self

        @app.before_request
        def note():
            provider.requests.append(request.path)

        @app.get("/.well-known/openid-configuration")
        def discovery():
            base = provider.issuer
            return jsonify(issuer=base, authorization_endpoint=f"{base}/authorize", token_endpoint=f"{base}/token",
                           userinfo_endpoint=f"{base}/userinfo", jwks_uri=f"{base}/jwks",
                           response_types_supported=["code"], subject_types_supported=["public"],
                           id_token_signing_alg_values_supported=["RS256"],
                           code_challenge_methods_supported=["S256"],
                           token_endpoint_auth_methods_supported=["client_secret_basic"])

        @app.get("/jwks")
        def jwks():
            return jsonify(keys=[provider.key.as_dict(private=False)])

        @app.get("/authorize")
        def authorize():
            args = request.args
            if args.get("client_id") != provider.client_id or args.get("response_type") != "code":
                abort(400)
            if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
                abort(400)  # this provider insists on PKCE
            if "openid" not in args.get("scope", "").split():
                abort(400)
            code = secrets.token_urlsafe(24)
            provider.codes[code] = {"redirect_uri": args["redirect_uri"], "challenge": args["code_challenge"],
                                    "nonce": args.get("nonce", ""), "person": dict(provider.person)}
            return redirect(f"{args['redirect_uri']}?{urlencode({'code': code, 'state': args.get('state', '')})}")

        @app.post("/token")
        def token():
            auth = request.authorization
            if auth is None or auth.username != provider.client_id or auth.password != provider.client_secret:
                return jsonify(error="invalid_client"), 401
            grant = provider.codes.pop(request.form.get("code", ""), None)  # a code works once
            if grant is None or request.form.get("grant_type") != "authorization_code":
                return jsonify(error="invalid_grant"), 400
            if request.form.get("redirect_uri") != grant["redirect_uri"]:
                return jsonify(error="invalid_grant"), 400
            verifier = request.form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if challenge != grant["challenge"]:
                return jsonify(error="invalid_grant", error_description="PKCE verifier mismatch"), 400
            person = grant["person"]
            access = secrets.token_urlsafe(24)
            provider.tokens[access] = person
            # The ID token carries who and their name; the e-mail comes from userinfo, as many providers do.
            claims = {"sub": person["sub"], "name": person["name"]}
            if provider.misbehave == "tampered":
                claims["email"], claims["email_verified"] = person["email"], person["email_verified"]
            return jsonify(access_token=access, token_type="Bearer", expires_in=300,
                           id_token=provider.id_token(claims, grant["nonce"]))

        @app.get("/userinfo")
        def userinfo():
            header = request.headers.get("Authorization", "")
            person = provider.tokens.get(header.removeprefix("Bearer ")) if header.startswith("Bearer ") else None
            if person is None:
                return jsonify(error="invalid_token"), 401
            return jsonify(person)

        return app
