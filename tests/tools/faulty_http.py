#!/usr/bin/env python3
"""A fault-injecting HTTP server for the fetch tests: standard library only, 127.0.0.1 only.

Serves the files under --root. Faults are chosen per request path by a JSON control file that is
read again on every request, so a test can change it between runs:

    {"/a.tar/<sha>/a.tar": {"mode": "500", "times": 1},
     "*": {"mode": "drip", "chunk": 4096, "interval": 0.05}}

"times" limits how many requests of that path get the fault (default: all); "*" matches every
path. Modes:

    404            answer 404
    403            answer 403
    500            answer 500 (with "times": 1 this is 500 then 200)
    429            answer 429 with Retry-After: <retry_after> (default 1)
    hang-headers   read the request, say nothing for <hang> seconds (default 60), close
    hang-body      send the headers and half the body, then say nothing for <hang> seconds
    close-early    send the headers and half the body, then close
    wrong-length   announce <extra> (default 1000) more bytes than are sent, then close
    drip           send <chunk> bytes (default 64) every <interval> seconds (default 0.5)
    redirect-loop  answer 302 to the same path, forever
    wrong-bytes    send the file with every byte flipped
    no-range       ignore Range headers

Range and If-Range are honoured otherwise, with a strong ETag per file. Every request is logged
to --log as one line: "<method> <path> range=<Range or ->". The port goes to --port-file once the
server listens. The server exits after --lifetime seconds (default 300) even if nobody stops it;
every wait is bounded by that.
"""
import argparse
import email.utils
import http.server
import json
import os
import re
import socketserver
import sys
import threading
import time

STOP = threading.Event()
LOCK = threading.Lock()
COUNTS = {}


def bounded_sleep(seconds):
    """Sleeps up to `seconds`, waking early when the server stops."""
    STOP.wait(timeout=max(0.0, float(seconds)))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "faulty_http/1"

    def log_message(self, fmt, *args):  # keep stderr quiet; requests go to the log file
        pass

    def record(self):
        line = "%s %s range=%s\n" % (self.command, self.path, self.headers.get("Range", "-"))
        with LOCK:
            with open(self.server.log_path, "a", encoding="utf-8") as log:
                log.write(line)

    def fault(self):
        try:
            with open(self.server.control_path, encoding="utf-8") as f:
                control = json.load(f)
        except (OSError, ValueError):
            return {}
        rule = control.get(self.path.split("?")[0]) or control.get("*")
        if not rule:
            return {}
        key = self.path
        with LOCK:
            COUNTS[key] = COUNTS.get(key, 0) + 1
            count = COUNTS[key]
        times = rule.get("times")
        if times is not None and count > int(times):
            return {}
        return rule

    def do_HEAD(self):
        self.do_GET(head=True)

    def do_GET(self, head=False):
        self.record()
        rule = self.fault()
        mode = rule.get("mode", "")
        if mode in ("404", "403", "500"):
            return self.send_status(int(mode))
        if mode == "429":
            return self.send_status(429, {"Retry-After": str(rule.get("retry_after", 1))})
        if mode == "redirect-loop":
            return self.send_status(302, {"Location": self.path})
        if mode == "hang-headers":
            bounded_sleep(rule.get("hang", 60))
            self.close_connection = True
            return None
        path = self.file_path()
        if path is None:
            return self.send_status(404)
        with open(path, "rb") as f:
            data = f.read()
        if mode == "wrong-bytes":
            data = bytes(b ^ 0xFF for b in data)
        self.send_body(data, rule, mode, head)
        return None

    def file_path(self):
        rel = self.path.split("?")[0].lstrip("/")
        full = os.path.realpath(os.path.join(self.server.root, rel))
        if not full.startswith(self.server.root + os.sep) or not os.path.isfile(full):
            return None
        return full

    def send_status(self, code, headers=None):
        body = ("%d\n" % code).encode()
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def range_start(self, data, etag, mode):
        header = self.headers.get("Range")
        if not header or mode == "no-range":
            return None
        if_range = self.headers.get("If-Range")
        if if_range and if_range != etag:
            return None
        match = re.fullmatch(r"bytes=(\d+)-", header.strip())
        if not match:
            return None
        return int(match.group(1))

    def send_body(self, data, rule, mode, head):
        etag = '"%d-%s"' % (len(data), self.server.generation)
        start = self.range_start(data, etag, mode)
        if start is not None and start >= len(data):
            return self.send_status(416, {"Content-Range": "bytes */%d" % len(data)})
        if start is not None:
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
            data = data[start:]
        else:
            self.send_response(200)
        length = len(data) + (int(rule.get("extra", 1000)) if mode == "wrong-length" else 0)
        self.send_header("Content-Length", str(length))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", email.utils.formatdate(usegmt=True))
        self.end_headers()
        if head:
            return None
        self.write_body(data, rule, mode)
        return None

    def write_body(self, data, rule, mode):
        if mode in ("close-early", "hang-body"):
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            if mode == "hang-body":
                bounded_sleep(rule.get("hang", 60))
            self.close_connection = True
            return
        if mode == "drip":
            chunk = max(1, int(rule.get("chunk", 64)))
            interval = float(rule.get("interval", 0.5))
            for offset in range(0, len(data), chunk):  # bounded by the body's length
                if STOP.is_set():
                    break
                self.wfile.write(data[offset : offset + chunk])
                self.wfile.flush()
                bounded_sleep(interval)
            return
        self.wfile.write(data)
        if mode == "wrong-length":
            self.close_connection = True


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # Clients that hang up mid-body are what the tests are about; no tracebacks for them.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--control", default="")
    parser.add_argument("--lifetime", type=float, default=300)
    args = parser.parse_args()

    server = Server(("127.0.0.1", 0), Handler)
    server.root = os.path.realpath(args.root)
    server.log_path = args.log
    server.control_path = args.control or os.devnull
    server.generation = "g1"
    open(args.log, "a", encoding="utf-8").close()

    def expire():
        STOP.set()
        server.shutdown()

    timer = threading.Timer(args.lifetime, expire)
    timer.daemon = True
    timer.start()
    tmp = args.port_file + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, args.port_file)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    STOP.set()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
