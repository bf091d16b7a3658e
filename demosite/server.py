"""A small, fast HTTP/1.1 server on 127.0.0.1 for the demo site, the tests and the benchmarks.

asyncio streams rather than ``http.server``: the thread-per-request stdlib server manages a few
hundred requests a second, and the benchmarks need thousands. Keep-alive, conditional GET
(ETag / Last-Modified -> 304), optional gzip, an optional per-request latency, a request log for
test assertions, fault injection per path (see ``demosite.faults``; hostile answers are built in
``demosite.hostile``), and server-wide random 429/503 or a rate limit (``demosite.traffic``).
"""

from __future__ import annotations

import asyncio
import gzip
import json
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from email.utils import formatdate

from demosite import hostile
from demosite.faults import (
    Bomb,
    Encoded,
    Fault,
    FaultQueue,
    IgnoreValidators,
    Oversize,
    Recoded,
    Redirect,
    Reset,
    Stall,
    Status,
    Trickle,
    Truncate,
    Validators,
    WrongType,
)
from demosite.traffic import RandomFaults, RateLimit, Traffic
from demosite.wire import (
    App,
    LoggedRequest,
    Request,
    Response,
    http_now,
    not_modified,
    read_request,
    reason,
    reset,
)

__all__ = ["App", "DemoServer", "LoggedRequest", "Request", "Response", "serve_in_thread"]

_GZIP_MIN_BYTES = 1024  # below this gzip saves nothing worth its CPU


class DemoServer:
    def __init__(
        self,
        app: App,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        latency_s: float = 0.0,
        gzip_bodies: bool = False,
        keep_log: bool = True,
        random_faults: RandomFaults | None = None,
        rate_limit: RateLimit | None = None,
    ) -> None:
        self.app = app
        self.host, self.port = host, port
        self.latency_s = latency_s
        self.gzip_bodies = gzip_bodies
        self.keep_log = keep_log
        self.faults = FaultQueue()
        self.traffic = Traffic(random_faults, rate_limit)
        self.log: list[LoggedRequest] = []
        self.requests_served = 0
        self.base_url = ""
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._gzip_cache: dict[str, bytes] = {}

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._connection, self.host, self.port)
        port = self._server.sockets[0].getsockname()[1]
        self.base_url = f"http://{self.host}:{port}"
        self.app.bind(self.base_url)
        return self.base_url

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    def requests_to(self, path: str) -> list[LoggedRequest]:
        return [entry for entry in list(self.log) if entry.path == path]

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            await self._serve_connection(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            return  # the client went away mid-request: nobody is left to answer
        finally:
            self._connections.discard(task)
            writer.close()

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        while True:
            request = await read_request(reader)
            if request is None:
                return
            if self.latency_s:
                await asyncio.sleep(self.latency_s)
            fault = self.faults.pop(request.path) or self.traffic.fault_for(request.path)
            keep_alive = await self._answer(request, fault, reader, writer)
            if not keep_alive or request.headers.get("connection", "").lower() == "close":
                return

    async def _answer(
        self,
        request: Request,
        fault: Fault | None,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        self.requests_served += 1
        if isinstance(fault, Reset):
            self._record(request, 0, 0, fault)
            reset(writer)
            return False
        if isinstance(fault, Stall):
            self._record(request, 0, 0, fault)
            try:
                await asyncio.wait_for(reader.read(1), fault.seconds)
            except TimeoutError:
                return False  # the stall ran its full course without the client giving up
            return False
        if isinstance(fault, Oversize):
            self._record(request, 200, fault.size, fault)
            await hostile.oversize(writer, fault.size, declare_length=fault.declare_length)
            return False
        if isinstance(fault, Encoded | Bomb):
            answer = self._gzip_answer(request, fault)
            self._record(request, 200, len(answer), fault)
            writer.write(answer)
            await writer.drain()
            return False
        response = self._response_for(request, fault)
        head, body = self._encode(request, response)
        # Logged before answering: a client that has its answer finds the request in the log.
        if isinstance(fault, Trickle):
            self._record(request, response.status, len(body), fault)
            await hostile.trickle(writer, head, body, fault.interval_s)
            return False
        if isinstance(fault, Truncate):
            cut = int(len(body) * fault.fraction)
            self._record(request, response.status, cut, fault)
            writer.write(head + body[:cut])
            await writer.drain()
            return False
        self._record(request, response.status, len(body), fault)
        writer.write(head + body if body else head)
        await writer.drain()
        return True

    def _response_for(self, request: Request, fault: Fault | None) -> Response:
        if isinstance(fault, Status):
            extra = (("Retry-After", fault.retry_after),) if fault.retry_after else ()
            body = f"<html><body><h1>{fault.code}</h1></body></html>".encode()
            return Response(fault.code, body, extra_headers=extra)
        if isinstance(fault, Redirect):
            location = fault.location
            if location.startswith("/"):
                location = self.base_url + location
            return Response(fault.code, location=location)
        response = self.app.respond(request)
        if isinstance(fault, WrongType):
            response = replace(response, content_type=fault.content_type)
        if isinstance(fault, Recoded):
            response = hostile.recoded(response, fault.charset)
        if isinstance(fault, Validators):
            return hostile.with_validators(request, response, fault)
        if not isinstance(fault, IgnoreValidators) and not_modified(request, response):
            return Response(304, etag=response.etag, last_modified=response.last_modified)
        return response

    def _encode(self, request: Request, response: Response) -> tuple[bytes, bytes]:
        body = response.body
        lines = [f"HTTP/1.1 {response.status} {reason(response.status)}", f"Date: {http_now()}"]
        lines.append("Server: demosite")
        if response.status != 304:
            lines.append(f"Content-Type: {response.content_type}")
        if response.etag:
            lines.append(f"ETag: {response.etag}")
        if response.last_modified is not None:
            lines.append(f"Last-Modified: {formatdate(response.last_modified, usegmt=True)}")
        if response.location:
            lines.append(f"Location: {response.location}")
        lines.extend(f"{name}: {value}" for name, value in response.extra_headers)
        if self._should_gzip(request, response):
            body = self._gzipped(response)
            lines.extend(["Content-Encoding: gzip", "Vary: Accept-Encoding"])
        lines.append(f"Content-Length: {len(body)}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        send_body = body if request.method != "HEAD" and response.status != 304 else b""
        return head, send_body

    def _should_gzip(self, request: Request, response: Response) -> bool:
        return (
            self.gzip_bodies
            and response.status == 200
            and len(response.body) >= _GZIP_MIN_BYTES
            and "gzip" in request.headers.get("accept-encoding", "")
        )

    def _gzipped(self, response: Response) -> bytes:
        key = response.etag or ""
        cached = self._gzip_cache.get(key) if key else None
        if cached is None:
            # mtime=0: the same body always gives the same bytes (stable sizes in benchmarks).
            cached = gzip.compress(response.body, compresslevel=6, mtime=0)
            if key:
                self._gzip_cache[key] = cached
        return cached

    def _gzip_answer(self, request: Request, fault: Encoded | Bomb) -> bytes:
        if isinstance(fault, Bomb):
            return hostile.gzip_answer(hostile.bomb(fault.size), 1, more_layers=fault.layers - 1)
        body = self.app.respond(request).body
        return hostile.gzip_answer(body, 0, more_layers=fault.layers)

    def _record(self, request: Request, status: int, size: int, fault: Fault | None) -> None:
        if not self.keep_log:
            return
        headers = request.headers
        self.log.append(
            LoggedRequest(
                method=request.method,
                path=request.path,
                status=status,
                if_none_match=headers.get("if-none-match"),
                if_modified_since=headers.get("if-modified-since"),
                user_agent=headers.get("user-agent"),
                from_header=headers.get("from"),
                body_bytes=size,
                fault=type(fault).__name__ if fault is not None else None,
            )
        )


@contextmanager
def serve_in_thread(app: App, **options: object) -> Iterator[DemoServer]:
    """Run a DemoServer on its own event loop in a background thread (for tests). Yields the
    started server; ``server.base_url`` is where it listens."""
    loop = asyncio.new_event_loop()
    server = DemoServer(app, **options)  # type: ignore[arg-type]
    started = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(server.start())
        except OSError as exc:  # reported to the caller below, not lost in the thread
            failure.append(exc)
            started.set()
            return
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name="demosite-server", daemon=True)
    thread.start()
    started.wait()
    if failure:
        loop.close()
        raise failure[0]
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(server.close(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


def serve_until_stopped(app: App, **options: object) -> None:
    """Serve ``app`` (a demo Site) until SIGINT or SIGTERM, printing the base URL on stdout
    (one line, flushed) once it listens. For ``python -m demosite serve`` and the benchmarks.
    ``options`` are DemoServer's (host, port, latency_s, gzip_bodies, random_faults,
    rate_limit); on SIGTERM it prints what the traffic modes refused, on stderr."""
    asyncio.run(_serve_until_stopped(app, options))


async def _serve_until_stopped(app: App, options: dict[str, object]) -> None:
    # keep_log False: a long-running server must not grow a log nobody reads.
    server = DemoServer(app, keep_log=False, **options)  # type: ignore[arg-type]
    print(await server.start(), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    await server.close()
    # One JSON line on stderr: what the traffic modes did (the benchmarks read it).
    summary = {"requests": server.requests_served, **server.traffic.summary()}
    print(json.dumps(summary), file=sys.stderr, flush=True)
