#!/usr/bin/env python3
"""Local stand-ins for Google's credential endpoints, for tests/storage/access_token_test.cpp. Listens on
127.0.0.1 only and prints its port. Serves:
  GET  /computeMetadata/v1/instance/service-accounts/default/token  the metadata server (needs Metadata-Flavor: Google)
  POST /token          the OAuth token endpoint of a service-account key: verifies the JWT's RS256 signature with the
                       public half of the key it generated (the `cryptography` package, independent of vgsales'
                       OpenSSL calls) and its claims (iss, aud, scope, iat, exp)
  GET  /storage/v1/b/b/o   an empty listing, only for a bearer token issued here (else 401)
  GET  /slow, /cut     an answer that never comes in time, and one cut short
  GET  /stats          how many tokens each endpoint issued
It writes WORK/service-account.json (a key whose token_uri is its /token) and WORK/wrong-key.json (the same account
with another private key, whose signatures must fail)."""
import base64
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

EMAIL = "vgsales-reader@test-project.iam.gserviceaccount.com"
SCOPE = "https://www.googleapis.com/auth/devstorage.read_write"
issued = set()
stats = {"metadata": 0, "service_account": 0, "refused": 0}
lock = threading.Lock()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def issue(kind):
    with lock:
        stats[kind] += 1
        token = f"{kind}-token-{stats[kind]}"
        issued.add(token)
    return {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}


def check_assertion(assertion, public_key, token_uri):
    header_b64, claims_b64, signature_b64 = assertion.split(".")
    header = json.loads(b64url_decode(header_b64))
    if header.get("alg") != "RS256" or header.get("typ") != "JWT" or header.get("kid") != "key-1":
        return f"bad header {header}"
    try:
        public_key.verify(b64url_decode(signature_b64), f"{header_b64}.{claims_b64}".encode(), padding.PKCS1v15(),
                          hashes.SHA256())
    except InvalidSignature:
        return "Invalid JWT Signature."
    claims = json.loads(b64url_decode(claims_b64))
    now = time.time()
    if claims.get("iss") != EMAIL or claims.get("aud") != token_uri or claims.get("scope") != SCOPE:
        return f"bad claims {claims}"
    if not (abs(claims["iat"] - now) < 300 and claims["exp"] - claims["iat"] == 3600):
        return f"bad times {claims}"
    return None


def make_handler(public_key, token_uri):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def answer(self, status, body, content_type="application/json"):
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            path = self.path.split("?")[0]
            if path == "/computeMetadata/v1/instance/service-accounts/default/token":
                if self.headers.get("Metadata-Flavor") != "Google":
                    return self.answer(403, b"Missing Metadata-Flavor:Google header.", "text/plain")
                return self.answer(200, issue("metadata"))
            if path == "/storage/v1/b/b/o":
                bearer = self.headers.get("Authorization", "")
                if not bearer.startswith("Bearer ") or bearer[7:] not in issued:
                    return self.answer(401, {"error": {"code": 401, "message": "Invalid Credentials"}})
                return self.answer(200, {"kind": "storage#objects"})
            if path == "/stats":
                return self.answer(200, stats)
            if path == "/slow":
                time.sleep(3)
                return self.answer(200, b"late", "text/plain")
            if path == "/cut":
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.wfile.write(b"x" * 10)
                self.wfile.flush()
                self.close_connection = True
                return None
            return self.answer(404, b"not found", "text/plain")

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            form = urllib.parse.parse_qs(self.rfile.read(length).decode())
            if self.path != "/token":
                return self.answer(404, b"not found", "text/plain")
            if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"] or "assertion" not in form:
                return self.answer(400, {"error": "unsupported_grant_type"})
            why = check_assertion(form["assertion"][0], public_key, token_uri)
            if why:
                with lock:
                    stats["refused"] += 1
                return self.answer(400, {"error": "invalid_grant", "error_description": why})
            return self.answer(200, issue("service_account"))

    return Handler


def main():
    work = sys.argv[1]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    wrong = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    server = ThreadingHTTPServer(("127.0.0.1", 0), None)
    token_uri = f"http://127.0.0.1:{server.server_address[1]}/token"
    server.RequestHandlerClass = make_handler(key.public_key(), token_uri)
    for name, private in (("service-account.json", key), ("wrong-key.json", wrong)):
        with open(f"{work}/{name}", "w") as out:
            json.dump({"type": "service_account", "project_id": "test-project", "private_key_id": "key-1",
                       "private_key": pem(private), "client_email": EMAIL, "client_id": "1",
                       "token_uri": token_uri}, out)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
