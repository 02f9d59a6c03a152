"""A small closed-loop HTTP load generator for scripts/benchmark.py (standard library only).

Each virtual user is a thread with its own keep-alive connection and cookies; it sends its
next request as soon as the last one is answered. ``throughput`` measures one URL's requests
a second (with wrk when it is installed, else with threads); ``report_day`` runs the mixed
scenario of many users reading pages and exports and posting action updates and returns.
"""

from __future__ import annotations

import http.client
import random
import re
import shutil
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit


class Browser:
    """One user's keep-alive connection and cookies (sessionid, csrftoken)."""

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies = dict(cookies or {})
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, data: dict | list | None = None) -> tuple[int, bytes]:
        headers = {"Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            pairs = data.items() if isinstance(data, dict) else data
            body = urlencode([(k, "" if v is None else v) for k, v in pairs])
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
                continue
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
            return response.status, content
        raise AssertionError("unreachable")


class FormParser(HTMLParser):
    """The fields of the POST forms of a page, with the values they would be sent with."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"method": a.get("method", "get").lower(), "fields": []})
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                fields.append([a["name"], a.get("value", "")])
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            fields.append([a["name"], None])
        elif tag == "option" and self._select:
            current = next(f for f in reversed(fields) if f[0] == self._select)
            if current[1] is None or "selected" in a:
                current[1] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            fields.append([a["name"], ""])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            field_ = next(f for f in reversed(self.forms[-1]["fields"]) if f[0] == self._textarea)
            field_[1] += data


def post_form(html: bytes) -> list[list[str]] | None:
    """The fields of the page's largest POST form (the page's own, not sign-out's)."""
    parser = FormParser()
    parser.feed(html.decode("utf-8", "replace"))
    forms = [f["fields"] for f in parser.forms if f["method"] == "post"]
    return max(forms, key=len) if forms else None


def wrk_throughput(url: str, cookies: dict[str, str], connections: int, seconds: float) -> float:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "60s"]
    if cookies:
        command += ["-H", "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items())]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    if re.search(r"Non-2xx or 3xx responses: \d+", output):
        raise RuntimeError(f"{url}: error responses\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def thread_throughput(url: str, cookies: dict[str, str], connections: int, seconds: float) -> float:
    parts = urlsplit(url)
    base, path = (
        f"{parts.scheme}://{parts.netloc}",
        parts.path + (f"?{parts.query}" if parts.query else ""),
    )
    counts = [0] * connections
    errors: list[str] = []
    deadline = time.perf_counter() + seconds

    def user(index: int) -> None:
        browser = Browser(base, cookies)
        while time.perf_counter() < deadline:
            status, _ = browser.request("GET", path)
            if status != 200:
                errors.append(f"{path}: HTTP {status}")
                return
            counts[index] += 1

    start = time.perf_counter()
    threads = [threading.Thread(target=user, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(errors[0])
    return sum(counts) / (time.perf_counter() - start)


def throughput(url: str, cookies: dict[str, str], connections: int, seconds: float) -> float:
    """Requests a second for one URL, ``connections`` clients for ``seconds``."""
    if shutil.which("wrk"):
        return wrk_throughput(url, cookies, connections, seconds)
    return thread_throughput(url, cookies, connections, seconds)


def paired_ratios(
    base_url: str,
    path: str,
    reference: str,
    cookies: dict[str, str],
    connections: int,
    seconds: float,
    repeats: int,
) -> list[float]:
    """The page's throughput as a fraction of the reference view's, measured back to back
    (reference, page) ``repeats`` times in the same run."""
    ratios = []
    for url, jar in ((reference, {}), (path, cookies)):  # warm both workers up
        for _ in range(4):
            Browser(base_url, jar).request("GET", url)
    for _ in range(repeats):
        ref = throughput(base_url + reference, {}, connections, seconds)
        page = throughput(base_url + path, cookies, connections, seconds)
        ratios.append(page / ref if ref else 0.0)
    return ratios


@dataclass
class DayResult:
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    #: (user index, action id, commentary) of each update accepted (redirect after POST).
    updates: list[tuple[int, int, str]] = field(default_factory=list)
    #: (user index, return path, commentary) of each return accepted.
    returns: list[tuple[int, str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def p95(self, kind: str | None = None) -> float:
        values = (
            self.latencies.get(kind, [])
            if kind
            else [v for vs in self.latencies.values() for v in vs]
        )
        if len(values) < 2:
            return values[0] if values else 0.0
        return statistics.quantiles(values, n=20)[-1]


def report_day(
    base_url: str,
    users: list[dict],
    seconds: float,
    marker: str,
    seed: int = 1,
    think: tuple[float, float] = (0.0, 0.0),
    spawn_rate: float = 0.0,
) -> DayResult:
    """Each of ``users`` (dicts: cookies, reads (paths), action_paths, return_path) loops
    for ``seconds``: mostly reads (dashboards, lists, exports), one step in five a write
    (the first step one)
    (an action update, or the quarterly return re-posted with a new commentary): GET the
    form, change one field, POST it; a redirect is a write accepted.

    As people (and locust's users) do, each user reads what it got for a random ``think``
    time (min, max seconds) before its next step, and the users arrive ``spawn_rate`` a
    second (0: all at once); (0, 0) and 0 make a closed loop that sends the next request
    as soon as the last is answered."""
    result = DayResult()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def record(kind: str, elapsed: float) -> None:
        with lock:
            result.requests += 1
            result.latencies.setdefault(kind, []).append(elapsed)

    def run(index: int, user: dict) -> None:
        rng = random.Random(seed * 1000 + index)
        browser = Browser(base_url, user["cookies"])
        if spawn_rate:
            time.sleep(index / spawn_rate)
        step = 0
        while time.perf_counter() < deadline:
            if step and think[1]:
                time.sleep(min(rng.uniform(*think), max(0.0, deadline - time.perf_counter())))
                if time.perf_counter() >= deadline:
                    break
            step += 1
            kind = "write" if step % 5 == 1 else "read"  # a write first, then one in five
            try:
                if kind == "read":
                    path = rng.choice(user["reads"])
                    started = time.perf_counter()
                    status, _ = browser.request("GET", path)
                    record("export" if "_export" in path else "page", time.perf_counter() - started)
                    if status != 200:
                        with lock:
                            result.errors.append(f"GET {path}: HTTP {status}")
                    continue
                writes_return = step % 10 == 6 and user.get("return_path")
                path = user["return_path"] if writes_return else rng.choice(user["action_paths"])
                started = time.perf_counter()
                status, html = browser.request("GET", path)
                record("form", time.perf_counter() - started)
                fields = post_form(html) if status == 200 else None
                if not fields:
                    with lock:
                        result.errors.append(f"GET {path}: HTTP {status}, no form")
                    continue
                text = f"{marker} {index} {step}"
                changed = False
                for item in fields:
                    # An update's "commentary"; a return's first "commentary-<value id>".
                    name = item[0]
                    if (name == "commentary" or name.startswith("commentary-")) and not changed:
                        item[1] = text
                        changed = True
                started = time.perf_counter()
                status, _ = browser.request("POST", path, fields)
                record("post", time.perf_counter() - started)
                if status != 302:
                    with lock:
                        result.errors.append(f"POST {path}: HTTP {status}")
                    continue
                with lock:
                    if writes_return:
                        result.returns.append((index, path, text))
                    else:
                        result.updates.append((index, int(path.rstrip("/").split("/")[-1]), text))
            except Exception as exc:  # noqa: BLE001  (a failed request is an error to count)
                with lock:
                    result.errors.append(f"{kind} {type(exc).__name__}: {exc}")

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i, u)) for i, u in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result
