"""Open report.html in headless Chromium and check what a reader sees (``make report-check``).

Drives Chromium through the Chrome DevTools Protocol (a tiny WebSocket client from the
standard library: no selenium, no playwright). Checks that:

1. the grid is shown (every cell link laid out, inside the viewport);
2. a real mouse click on a cell opens its detail: reason, evidence, highlighted words;
3. a ``#cell=JUR:item`` link opens that cell on load;
4. the page makes no network request and throws no script error;
5. printing to PDF works (the PDF is written next to the screenshot).

Writes a PNG screenshot taken after the click. Exits 1 with one line per failed check.

Usage: python benchmarks/report_check.py OUT_DIR/report.html [--screenshot shot.png] [--cell XAV:broad-definition]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
         "--disable-extensions", "--disable-sync", "--mute-audio", "--hide-scrollbars")
VIEWPORT = (1366, 900)  # a laptop screen


class WebSocket:
    """Just enough of RFC 6455 for the DevTools protocol: text frames, client-side masking."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        match = re.match(r"ws://([^/:]+):(\d+)(/.*)", url)
        if not match:
            raise ValueError(f"not a ws:// url: {url}")
        host, port, path = match.group(1), int(match.group(2)), match.group(3)
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(request.encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("DevTools closed the connection during the handshake")
            response += chunk
        head, self.buffer = response.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError(f"WebSocket handshake refused: {head[:80]!r}")

    def send(self, text: str) -> None:
        payload = text.encode()
        mask = os.urandom(4)
        n = len(payload)
        header = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else
                                  bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else
                                  bytes([0x80 | 127]) + struct.pack(">Q", n))
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _read(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def recv(self) -> str:
        message = b""
        while True:
            b0, b1 = self._read(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else b""
            data = self._read(n)
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            if opcode == 8:
                raise ConnectionError("DevTools closed the WebSocket")
            if opcode == 9:  # ping: answer, keep reading
                continue
            message += data
            if b0 & 0x80:
                return message.decode()

    def close(self) -> None:
        self.sock.close()


class DevTools:
    """Commands and events of one page target."""

    def __init__(self, ws_url: str) -> None:
        self.ws = WebSocket(ws_url)
        self.next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, **params: object) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error'].get('message')}")
                return message.get("result", {})
            self.events.append(message)

    def wait_event(self, method: str, timeout: float = 20.0) -> dict:
        deadline = time.monotonic() + timeout
        for event in self.events:
            if event.get("method") == method:
                self.events.remove(event)
                return event
        while time.monotonic() < deadline:
            message = json.loads(self.ws.recv())
            if message.get("method") == method:
                return message
            self.events.append(message)
        raise TimeoutError(f"no {method} within {timeout} s")

    def js(self, expression: str) -> object:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails'].get('text')}: {expression[:80]}")
        return result["result"].get("value")


def find_browser() -> str:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("error: no Chromium found; install it with: apt-get install -y chromium (or run make chromium)")


def launch(browser: str, profile: Path) -> tuple[subprocess.Popen, str]:
    """Start Chromium with a DevTools port; return the process and the page's WebSocket url."""
    args = [browser, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
            f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}", "about:blank"]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 30
    while not port_file.is_file() or not port_file.read_text().strip():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise SystemExit("error: Chromium did not start (no DevToolsActivePort)")
        time.sleep(0.1)
    port = int(port_file.read_text().split()[0])
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:  # noqa: S310 (loopback)
        targets = json.load(response)
    page = next(t for t in targets if t.get("type") == "page")
    return process, page["webSocketDebuggerUrl"]


def check(report: Path, screenshot: Path, cell: str) -> list[str]:
    """Run the checks; return the failures (empty when all pass)."""
    html = report.read_text(encoding="utf-8")
    expected_cells = len(re.findall(r'<a class="cell"', html))
    url = report.resolve().as_uri()
    failures: list[str] = []
    profile = Path(tempfile.mkdtemp(prefix="tipgap-chromium-"))
    process, ws_url = launch(find_browser(), profile)
    try:
        tools = DevTools(ws_url)
        for domain in ("Page", "Runtime", "Network"):
            tools.call(f"{domain}.enable")
        tools.call("Emulation.setDeviceMetricsOverride", width=VIEWPORT[0], height=VIEWPORT[1], deviceScaleFactor=1,
                   mobile=False)
        tools.call("Page.navigate", url=url)
        tools.wait_event("Page.loadEventFired")

        grid = tools.js("""(() => { const g = document.getElementById('grid'); const r = g.getBoundingClientRect();
            return {links: g.querySelectorAll('a.cell').length, w: r.width, h: r.height, top: r.top, left: r.left,
                    laidOut: [...g.querySelectorAll('a.cell')].filter(a => a.offsetWidth > 0 && a.offsetHeight > 0).length,
                    open: document.querySelectorAll('.cell-detail.open').length}; })()""")
        assert isinstance(grid, dict)
        if grid["links"] != expected_cells or grid["laidOut"] != expected_cells:
            failures.append(f"grid shows {grid['laidOut']} of {expected_cells} cells")
        if not (grid["w"] > 200 and grid["h"] > 200 and 0 <= grid["top"] < VIEWPORT[1] and grid["left"] < VIEWPORT[0]):
            failures.append(f"grid is not visible in the viewport: {grid}")
        if grid["open"]:
            failures.append("a cell detail is open before any click")

        target = tools.js(f"""(() => {{ const a = [...document.querySelectorAll('a.cell')]
            .find(x => x.dataset.cell === {json.dumps(cell)}); if (!a) return null; a.scrollIntoView({{block: 'center'}});
            const r = a.getBoundingClientRect(); return {{x: r.left + r.width / 2, y: r.top + r.height / 2}}; }})()""")
        if not isinstance(target, dict):
            failures.append(f"no cell {cell} in the grid")
            return failures
        for kind in ("mousePressed", "mouseReleased"):  # a real click, as a reader's mouse makes it
            tools.call("Input.dispatchMouseEvent", type=kind, x=target["x"], y=target["y"], button="left", clickCount=1)
        time.sleep(0.3)
        detail = tools.js("""(() => { const d = document.querySelector('.cell-detail.open'); if (!d) return null;
            const r = d.getBoundingClientRect();
            return {cell: d.dataset.cell, marks: d.querySelectorAll('mark').length,
                    quotes: d.querySelectorAll('blockquote.quote').length, text: d.innerText, w: r.width, h: r.height,
                    left: r.left, top: r.top, hash: location.hash,
                    selected: document.querySelectorAll('a.cell.selected').length}; })()""")
        if not isinstance(detail, dict):
            failures.append(f"clicking {cell} opened no detail")
        else:
            if detail["cell"] != cell:
                failures.append(f"clicking {cell} opened {detail['cell']}")
            if detail["w"] < 200 or detail["h"] < 100 or detail["left"] >= VIEWPORT[0] or detail["top"] >= VIEWPORT[1]:
                failures.append(f"the detail of {cell} is not visible: {detail['w']}x{detail['h']} at {detail['left']},{detail['top']}")
            if detail["quotes"] < 1 or detail["marks"] < 1:
                failures.append(f"the detail of {cell} shows {detail['quotes']} quotes, {detail['marks']} highlights")
            if "Reason." not in detail["text"] or "page" not in detail["text"]:
                failures.append(f"the detail of {cell} lacks the reason or the evidence's page")
            if detail["selected"] != 1:
                failures.append("the clicked cell is not marked as selected")
        png = tools.call("Page.captureScreenshot", format="png")["data"]
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        screenshot.write_bytes(base64.b64decode(png))

        other = tools.js("[...document.querySelectorAll('a.cell')].map(a => a.dataset.cell).find(k => k !== "
                         f"{json.dumps(cell)})")
        tools.call("Page.navigate", url=f"{url}#cell={other}")
        time.sleep(0.5)
        opened = tools.js("(document.querySelector('.cell-detail.open') || {dataset: {}}).dataset.cell || null")
        if opened != other:
            failures.append(f"the link #cell={other} opened {opened}")

        pdf = base64.b64decode(tools.call("Page.printToPDF", printBackground=True, preferCSSPageSize=True)["data"])
        screenshot.with_suffix(".pdf").write_bytes(pdf)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        if not pdf.startswith(b"%PDF") or pages < 2:
            failures.append(f"printing to PDF gave {pages} pages")

        requests = [e["params"]["request"]["url"] for e in tools.events if e.get("method") == "Network.requestWillBeSent"]
        remote = [u for u in requests if not u.startswith(("file:", "data:", "about:"))]
        if remote:
            failures.append(f"the report made network requests: {remote[:3]}")
        errors = [e for e in tools.events if e.get("method") == "Runtime.exceptionThrown"]
        if errors:
            failures.append(f"script errors: {errors[0]['params']['exceptionDetails'].get('text')}")
        print(f"grid: {grid['links']} cells; clicked {cell}: {detail and detail.get('quotes')} quotes, "
              f"{detail and detail.get('marks')} highlights; PDF: {pages} pages; screenshot: {screenshot}")
        tools.ws.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(profile, ignore_errors=True)
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path, help="the report.html to check")
    parser.add_argument("--screenshot", type=Path, help="PNG to write (default: report-check.png next to the report)")
    parser.add_argument("--cell", default="XAV:broad-definition", help="the cell to click, JUR:item")
    args = parser.parse_args()
    if not args.report.is_file():
        print(f"error: {args.report} does not exist; run a scan first", file=sys.stderr)
        return 2
    screenshot = args.screenshot or args.report.with_name("report-check.png")
    failures = check(args.report, screenshot, args.cell)
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    if not failures:
        print("report-check: all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
