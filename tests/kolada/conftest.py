"""A stand-in for Kolada on 127.0.0.1 that answers from the recorded files in fixtures/.

`kolada.serve(path, file)` answers one address (path and query, as the client asks for it)
with a file; anything not served gets Kolada's 404 page. `kolada.requests` lists what was
asked, in order. `kolada.slow(path)` makes an address answer only after the client's timeout.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from styrkort.kolada.client import KoladaClient

FIXTURES = Path(__file__).parent / "fixtures"

# The addresses the client asks for (years sorted, comma-separated) and the next pages the
# recorded answers point at.
V2_FIRST = "/v2/data/kpi/N00945/municipality/0023/year/2022,2023"
V2_SECOND = V2_FIRST + "?page=2&per_page=1"
V3_FIRST = "/v3/data/kpi/N00945/municipality/0023/year/2022,2023,2024"
V3_SECOND = V3_FIRST + "?page=2&per_page=1"
V3_THIRD = V3_FIRST + "?page=3&per_page=1"


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str
    delay: float = 0.0


@dataclass
class FakeKolada:
    host: str
    port: int
    routes: dict[str, Answer] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def url(self, version: str = "v3") -> str:
        return f"http://{self.host}:{self.port}/{version}"

    def client(self, version: str = "v3", timeout: float = 5) -> KoladaClient:
        return KoladaClient(base_url=self.url(version), version="", timeout=timeout)

    def serve(self, path: str, name: str, status: int = 200) -> None:
        content_type = "application/json" if name.endswith(".json") else "text/html"
        self.routes[path] = Answer(status, (FIXTURES / name).read_bytes(), content_type)

    def serve_body(self, path: str, body: bytes, status: int = 200) -> None:
        self.routes[path] = Answer(status, body, "application/json")

    def slow(self, path: str, name: str, delay: float = 3.0) -> None:
        self.serve(path, name)
        self.routes[path].delay = delay

    def serve_v2_pages(self) -> None:
        self.serve(V2_FIRST, "v2_N00945_0023_page1.json")
        self.serve(V2_SECOND, "v2_N00945_0023_page2.json")

    def serve_v3_pages(self) -> None:
        self.serve(V3_FIRST, "v3_N00945_0023_page1.json")
        self.serve(V3_SECOND, "v3_N00945_0023_page2.json")
        self.serve(V3_THIRD, "v3_N00945_0023_page3.json")


@pytest.fixture
def kolada():
    """A fake Kolada for one test; stopped (and any slow answer cut short) afterwards."""
    fake = FakeKolada(host="127.0.0.1", port=0)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fake.requests.append(self.path)
            answer = fake.routes.get(self.path) or Answer(
                404, (FIXTURES / "not_found.html").read_bytes(), "text/html"
            )
            if answer.delay and fake.stop.wait(answer.delay):
                return
            self.send_response(answer.status)
            self.send_header("Content-Type", f"{answer.content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            # The client may have given up already (a timeout test).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(answer.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: connecting is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
