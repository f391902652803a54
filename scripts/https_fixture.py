"""An HTTPS server on 127.0.0.1 with the repository's test certificate.

Usage: https_fixture.py
Serves Tests/Fixtures/tls/localhost.pem (self-signed, for 127.0.0.1 and
localhost, valid until 2126) on a free loopback port, prints "PORT CERT_PATH"
on one line, then answers every request with 200 and an empty body, and
prints "request METHOD PATH" for each. Standard library only: any python3
runs it, so the TLS tests need no virtual environment.

Used by the TLS tests: verification on must fail with a TLS error,
verification off for one sink (or this certificate as a CA bundle) must get
the 200. Exits when its standard input closes, so it never outlives the test
that started it.
"""
import http.server
import os
import ssl
import sys
import threading

folder = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Tests", "Fixtures", "tls")
cert_path = os.path.join(folder, "localhost.pem")
key_path = os.path.join(folder, "localhost-key.pem")
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _reply(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
        with lock:
            print("request", self.command, self.path, flush=True)

    do_GET = do_POST = do_PUT = _reply

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert_path, key_path)
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], cert_path, flush=True)


def exit_with_parent():
    # The test holds our stdin open; when it goes away (even by crashing), so do we.
    sys.stdin.buffer.read()
    os._exit(0)


threading.Thread(target=exit_with_parent, daemon=True).start()
server.serve_forever()
