"""Reading the HTTP exchanges of docs/http.md, and comparing answers with them.

An exchange starts at a block marked <!-- http: NAME --> and takes in the
blocks that follow it with only blank lines between. Their text is read as:

  - a request line, `GET /path?query` or `POST /path`, optionally followed on
    the same line by a JSON body, then `Name: value` header lines; a POST's
    body is the JSON that follows its headers (in the same block or the next);
  - a status line, `HTTP/1.1 201 Created`, then its header lines;
  - JSON values (a ```json block holding a request body and the next one the
    answer, as the OctaPy sections show them; or several answers in a row);
  - in a ```sh block, curl commands.

JSON may leave things out with "...": as a member (`{"id": "28", ...}`: the
answer may hold more members), as an element (`[{...}, ...]`: more elements
there), or inside a string (`"Vq8Xk1..."`: any string).

What varies from one run to the next is a placeholder: only its JSON type is
compared, and whether a string is empty. The placeholders are the members
named in PLACEHOLDER_KEYS (ids, secrets, times, Rickets, ticket numbers and
content hashes) and members whose name ends in `_id` or `_ms`. Everything
else (messages, STATUS, error rows, counts, the names and order of members
shown) must be exactly what the host answers.
"""

import json
import re
import shlex

PLACEHOLDER_KEYS = {
    # ids (records are numbered by the database)
    "id", "userId", "usr", "chan_usr", "assigned_to", "created_by", "uploaded_by", "category_main",
    "category_sub", "org",
    # secrets
    "accessToken", "devToken", "passKey", "temporary_password", "ss",
    # times
    "created_on", "updated_on", "createdOn", "Timestamp",
    # Rickets, ticket numbers, content
    "Ricket", "ricket", "ticket_no", "sha256", "size",
}


def is_placeholder_key(key):
    return key in PLACEHOLDER_KEYS or (isinstance(key, str) and (key.endswith("_id") or key.endswith("_ms")))


class _Ellipsis:
    def __repr__(self):
        return "..."


ELLIPSIS = _Ellipsis()
MORE = "..."  # the key an object carries when it shows "..." among its members


class ParseError(Exception):
    pass


# ------------------------------------------------------------------ JSON with "..."
class _Reader:
    def __init__(self, text, pos=0):
        self.s = text
        self.i = pos

    def ws(self):
        while self.i < len(self.s) and self.s[self.i] in " \t\r\n":
            self.i += 1

    def peek(self):
        self.ws()
        return self.s[self.i] if self.i < len(self.s) else ""

    def expect(self, c):
        if self.peek() != c:
            raise ParseError(f"expected {c!r} at {self.s[self.i:self.i + 30]!r}")
        self.i += 1

    def value(self):
        c = self.peek()
        if self.s.startswith("...", self.i):
            self.i += 3
            return ELLIPSIS
        if c == "{":
            self.i += 1
            obj = {}
            if self.peek() == "}":
                self.i += 1
                return obj
            while True:
                self.ws()
                if self.s.startswith("...", self.i):
                    self.i += 3
                    obj[MORE] = True
                else:
                    k = self.string()
                    self.expect(":")
                    obj[k] = self.value()
                c = self.peek()
                self.i += 1
                if c == "}":
                    return obj
                if c != ",":
                    raise ParseError(f"expected ',' or '}}' at {self.s[self.i - 1:self.i + 30]!r}")
        if c == "[":
            self.i += 1
            arr = []
            if self.peek() == "]":
                self.i += 1
                return arr
            while True:
                arr.append(self.value())
                c = self.peek()
                self.i += 1
                if c == "]":
                    return arr
                if c != ",":
                    raise ParseError(f"expected ',' or ']' at {self.s[self.i - 1:self.i + 30]!r}")
        if c == '"':
            return self.string()
        m = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null").match(self.s, self.i)
        if not m:
            raise ParseError(f"not JSON at {self.s[self.i:self.i + 30]!r}")
        self.i = m.end()
        return json.loads(m.group(0))

    def string(self):
        self.ws()
        m = re.compile(r'"(?:[^"\\]|\\.)*"').match(self.s, self.i)
        if not m:
            raise ParseError(f"expected a string at {self.s[self.i:self.i + 30]!r}")
        self.i = m.end()
        return json.loads(m.group(0))


def parse_json(text):
    r = _Reader(text)
    v = r.value()
    if r.peek():
        raise ParseError(f"text after the JSON value: {r.s[r.i:r.i + 30]!r}")
    return v


# ------------------------------------------------------------------ exchanges
class Request:
    def __init__(self, method, target):
        self.method = method
        self.target = target          # path and query, as written
        self.headers = {}
        self.body = None              # parsed JSON (or None)
        self.curl = None              # argv of a curl command

    def __repr__(self):
        return f"{self.method} {self.target}" + (f" {self.body!r}" if self.body is not None else "")


class Response:
    def __init__(self, status=None, reason=None):
        self.status = status
        self.reason = reason
        self.headers = {}
        self.body = None


class Exchange:
    def __init__(self, request, response):
        self.request = request
        self.response = response


_REQUEST = re.compile(r"^(GET|POST|PUT|PATCH|DELETE|HEAD) (/\S*)[ \t]*(.*)$")
_STATUS = re.compile(r"^HTTP/1\.1 (\d{3}) (.+?)\s*$")
_HEADER = re.compile(r"^([A-Za-z][A-Za-z0-9-]*): (.*?)\s*$")


def items_of(block):
    """A block's text as [("request", Request) | ("status", Response) | ("json", value) | ("curl", argv)]."""
    text = block.text
    if block.kind == "sh":
        out = []
        for cmd in re.sub(r"\\\n", " ", text).split("\n"):
            if cmd.strip() and not cmd.lstrip().startswith("#"):
                argv = shlex.split(cmd)
                if argv[0] != "curl":
                    raise ParseError(f"{block.where}: not a curl command: {cmd}")
                out.append(("curl", argv))
        return out
    out = []
    i = 0
    while True:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        if i >= len(text):
            return out
        end = text.find("\n", i)
        end = len(text) if end < 0 else end
        line = text[i:end]
        m = _REQUEST.match(line)
        s = _STATUS.match(line)
        if m or s:
            if m:
                item = Request(m.group(1), m.group(2))
                if m.group(3):
                    item.body = parse_json(m.group(3))
                out.append(("request", item))
            else:
                item = Response(int(s.group(1)), s.group(2))
                out.append(("status", item))
            i = end + 1
            while i < len(text):
                end = text.find("\n", i)
                end = len(text) if end < 0 else end
                h = _HEADER.match(text[i:end])
                if not h:
                    break
                item.headers[h.group(1)] = h.group(2)
                i = end + 1
            continue
        if line.lstrip()[:1] in "{[":
            r = _Reader(text, i)
            try:
                value = r.value()
            except ParseError as e:
                raise ParseError(f"{block.where}: {e}")
            out.append(("json", value))
            i = r.i
            continue
        raise ParseError(f"{block.where}: cannot read the line {line!r}")


def exchanges_of(items):
    """The items of an exchange group as [Exchange]. A request starts an exchange; the status
    and the JSON after it are its answer. Without a request line, two JSON values are a
    request body and its answer, one is an answer."""
    if not any(k == "request" or k == "curl" for k, _ in items):
        at = next((i for i, (k, _) in enumerate(items) if k == "status"), None)
        if at is not None:
            before = [v for k, v in items[:at] if k == "json"]
            after = [v for k, v in items[at + 1:] if k == "json"]
            resp = items[at][1]
        else:
            jsons = [v for k, v in items if k == "json"]
            before, after, resp = jsons[:-1], jsons[-1:], Response()
        if len(before) > 1 or len(after) > 1:
            raise ParseError("several requests or answers in one exchange: read its items instead")
        req = None
        if before:
            req = Request(None, None)
            req.body = before[0]
        resp.body = after[0] if after else None
        return [Exchange(req, resp)]
    out = []
    for kind, v in items:
        if kind == "request":
            out.append(Exchange(v, Response()))
        elif kind == "curl":
            r = Request(None, None)
            r.curl = v
            out.append(Exchange(r, Response()))
        elif not out:
            raise ParseError("an answer before the first request")
        elif kind == "status":
            st = out[-1].response
            st.status, st.reason, st.headers = v.status, v.reason, v.headers
        elif kind == "json":
            ex = out[-1]
            if (ex.request.body is None and ex.request.method not in (None, "GET")
                    and ex.response.status is None and ex.response.body is None):
                ex.request.body = v
            elif ex.response.body is None:
                ex.response.body = v
            else:
                raise ParseError("two answers to one request")
    return out


# ------------------------------------------------------------------ comparing
def _kind(v):
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if v is None:
        return "null"
    if isinstance(v, list):
        return "array"
    return "object"


def compare(doc, real, path="$", placeholder=False):
    """The differences between an answer shown in the docs and the host's, as a list of strings."""
    if doc is ELLIPSIS:
        return []
    if isinstance(doc, dict):
        if not isinstance(real, dict):
            return [f"{path}: the docs show an object, the host answers {json.dumps(real)[:80]}"]
        diffs = []
        shown = [k for k in doc if k != MORE]
        missing = [k for k in shown if k not in real]
        if missing:
            diffs.append(f"{path}: the host's answer has no member {', '.join(missing)}")
        if MORE not in doc:
            extra = [k for k in real if k not in doc]
            if extra:
                diffs.append(f"{path}: the host also answers {', '.join(extra)} (the docs show neither them nor '...')")
        for k in shown:
            if k in real:
                diffs += compare(doc[k], real[k], f"{path}.{k}", placeholder or is_placeholder_key(k))
        return diffs
    if isinstance(doc, list):
        if not isinstance(real, list):
            return [f"{path}: the docs show an array, the host answers {json.dumps(real)[:80]}"]
        return _compare_list(doc, real, path, placeholder)
    if placeholder:
        if _kind(doc) != _kind(real):
            return [f"{path}: the docs show a {_kind(doc)}, the host answers {json.dumps(real)}"]
        if isinstance(doc, str) and (doc == "") != (real == ""):
            return [f"{path}: the docs show {json.dumps(doc)}, the host answers {json.dumps(real)}"]
        return []
    if isinstance(doc, str) and "..." in doc:
        return [] if isinstance(real, str) else [f"{path}: the docs show a string, the host answers {json.dumps(real)}"]
    if _kind(doc) != _kind(real) or doc != real:
        return [f"{path}: the docs show {json.dumps(doc)}, the host answers {json.dumps(real)}"]
    return []


def _compare_list(doc, real, path, placeholder):
    """Element by element; an ELLIPSIS element stands for any number of elements."""
    def match(i, j):
        if i == len(doc):
            return [] if j == len(real) else None
        if doc[i] is ELLIPSIS:
            for k in range(j, len(real) + 1):
                r = match(i + 1, k)
                if r is not None:
                    return r
            return None
        if j == len(real):
            return None
        d = compare(doc[i], real[j], f"{path}[{j}]", placeholder)
        rest = match(i + 1, j + 1)
        if rest is None:
            return None
        return d + rest
    if ELLIPSIS not in doc:
        if len(doc) != len(real):
            return [f"{path}: the docs show {len(doc)} elements, the host answers {len(real)}: "
                    f"{json.dumps(real)[:300]}"]
        out = []
        for j, (d, r) in enumerate(zip(doc, real)):
            out += compare(d, r, f"{path}[{j}]", placeholder)
        return out
    r = match(0, 0)
    if r is None:
        return [f"{path}: the host's {len(real)} elements do not fit the docs' {doc!r}: {json.dumps(real)[:300]}"]
    return r
