#!/usr/bin/env python3
"""A proxy in front of moto for the AWS tests.

The CloudWatch client of the current AWS SDK for Rust speaks Smithy RPC v2 CBOR, which moto
does not. This proxy passes every other request to moto untouched, and translates CloudWatch's
CBOR requests into the awsJson1_0 protocol moto speaks, and moto's answers back into CBOR.
botocore's service model says which members are timestamps (CBOR tag 1 <-> epoch seconds).

It also records the name of every operation it receives, so that a test can prove what
reached the server (GET /__bridge/operations answers them as a JSON list).

Usage: cbor_bridge.py MOTO_URL   (prints "listening on PORT" once ready)
"""
import datetime
import http.client
import json
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import botocore.session
import cbor2

MODEL = botocore.session.get_session().get_service_model("cloudwatch")
TARGET = MODEL.metadata["targetPrefix"]
MOTO = urllib.parse.urlparse(sys.argv[1])
SEEN = []
SEEN_LOCK = threading.Lock()


def operation(handler, body):
    """The operation a request calls, in any of the protocols the SDK speaks."""
    target = handler.headers.get("X-Amz-Target")
    if target:
        return target.split(".")[-1]
    if handler.headers.get("smithy-protocol") == "rpc-v2-cbor":
        return handler.path.rstrip("/").split("/")[-1]
    form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
    if "Action" in form:
        return form["Action"][0]
    return f"{handler.command} {handler.path}"


def to_json(value, shape):
    """CBOR-decoded request members -> awsJson values (timestamps as epoch seconds)."""
    if value is None or shape is None:
        return value
    if shape.type_name == "timestamp":
        if isinstance(value, datetime.datetime):
            return value.timestamp()
        return value
    if shape.type_name == "structure":
        return {k: to_json(v, shape.members.get(k)) for k, v in value.items()}
    if shape.type_name == "list":
        return [to_json(v, shape.member) for v in value]
    if shape.type_name == "map":
        return {k: to_json(v, shape.value) for k, v in value.items()}
    if shape.type_name == "blob" and isinstance(value, (bytes, bytearray)):
        import base64
        return base64.b64encode(value).decode()
    return value


def to_cbor(value, shape):
    """awsJson answer members -> CBOR values (timestamps as tag 1, doubles as floats)."""
    if value is None or shape is None:
        return value
    t = shape.type_name
    if t == "timestamp":
        # Tag 1 with a float: the Rust SDK's decoder reads epoch seconds as f64 only.
        if isinstance(value, str):
            value = datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        if isinstance(value, datetime.datetime):
            value = value.timestamp()
        return cbor2.CBORTag(1, float(value))
    if t in ("double", "float"):
        return float(value)
    if t == "structure":
        return {k: to_cbor(v, shape.members.get(k)) for k, v in value.items() if k in shape.members}
    if t == "list":
        return [to_cbor(v, shape.member) for v in value]
    if t == "map":
        return {k: to_cbor(v, shape.value) for k, v in value.items()}
    return value


def moto(method, path, body, headers):
    conn = http.client.HTTPConnection(MOTO.hostname, MOTO.port, timeout=30)
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    out = (resp.status, resp.getheaders(), data)
    conn.close()
    return out


class Bridge(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _reply(self, status, headers, body):
        self.send_response(status)
        skip = {"content-length", "transfer-encoding", "connection", "server", "date"}
        for k, v in headers:
            if k.lower() not in skip:
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _record(self, body):
        with SEEN_LOCK:
            SEEN.append(operation(self, body))

    def _pass(self, body=None):
        body = self._body() if body is None else body
        self._record(body)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        self._reply(*moto(self.command, self.path, body, headers))

    def do_GET(self):
        if self.path == "/__bridge/operations":
            with SEEN_LOCK:
                body = json.dumps(SEEN).encode()
            return self._reply(200, [("Content-Type", "application/json")], body)
        self._pass()

    def do_PUT(self):
        self._pass()

    def do_DELETE(self):
        self._pass()

    def do_HEAD(self):
        self._pass()

    def do_POST(self):
        raw = self._body()
        if self.headers.get("smithy-protocol") != "rpc-v2-cbor":
            return self._pass(raw)
        self._record(raw)
        op_name = self.path.rstrip("/").split("/")[-1]
        op = MODEL.operation_model(op_name)
        request = cbor2.loads(raw) if raw else {}
        payload = json.dumps(to_json(request, op.input_shape)).encode()
        headers = {
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": f"{TARGET}.{op_name}",
            "Authorization": self.headers.get("Authorization", ""),
        }
        status, _, data = moto("POST", "/", payload, headers)
        answer = json.loads(data) if data.strip() else {}
        if status >= 300:
            kind = str(answer.get("__type", "InternalFailure")).split("#")[-1]
            message = answer.get("message") or answer.get("Message") or ""
            body = cbor2.dumps({"__type": kind, "message": message})
        else:
            body = cbor2.dumps(to_cbor(answer, op.output_shape) if op.output_shape else {})
        self._reply(status, [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")], body)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Bridge)
    print(f"listening on {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
