"""The fenced code blocks of README.md and docs/*.md, with their markers.

A block is a fence (```lang ... ```) at any indentation. The HTML comments on
the lines right above its opening fence (no blank line between) are its
markers:

    <!-- not run: REASON -->      a program block the tests do not run (a reason is required)
    <!-- example: NAME -->        names a block, so that another can continue it
    <!-- continues: NAME -->      run the named block first, in the same program (python, sh), or
                                  compile it into the same program (c, cpp: a block of functions
                                  without main() that others continue is not run on its own)
    <!-- exit: N -->              the program (or a console block's last command) exits with N
    <!-- http: NAME -->           an HTTP exchange, checked by check_http.py against the host
    <!-- not checked: REASON -->  an HTTP answer that check_http.py does not check

Languages: cpp and c++ (C++ programs), c, python, sh and bash (shell scripts),
console (commands after "$ " and the output they print) are programs; json,
http, text, cmake and no language show data or output; any other is refused.

Expected output: in a program block, a comment that starts with "->"
(`# -> done 1`, `// -> TK000001`, `/* -> ... */`) is a line the program
prints; such lines must come out in the order written. In an expected line,
"..." stands for any text.
"""

import glob
import os
import re

PROGRAM_LANGS = {"cpp": "cpp", "c++": "cpp", "c": "c", "python": "python",
                 "sh": "sh", "bash": "sh", "console": "console"}
# Fences of data or output; any other language is refused, so that a misspelt
# program fence (```py) is not silently left unrun.
DATA_LANGS = {"", "text", "json", "http", "cmake", "html"}
MARKERS = ("not run", "example", "continues", "exit", "http", "not checked")

_FENCE = re.compile(r"^(\s*)(`{3,})([^`\s]*)\s*$")
_COMMENT = re.compile(r"^\s*<!--\s*(.*?)\s*-->\s*$")


class DocError(Exception):
    pass


class Block:
    def __init__(self, path, rel, line, end, lang, text, markers):
        self.path = path          # absolute path of the markdown file
        self.rel = rel            # its path relative to the repository
        self.line = line          # 1-based line of the opening fence
        self.end = end            # 1-based line of the closing fence
        self.lang = lang          # the fence's language as written
        self.text = text          # the block's lines, unindented, joined with "\n" (ends with "\n")
        self.markers = markers    # {"not run": reason, ...}

    @property
    def kind(self):
        """cpp, c, python, sh, console, or None for a block that is not a program."""
        return PROGRAM_LANGS.get(self.lang.lower())

    @property
    def where(self):
        return f"{self.rel}:{self.line}"

    def __repr__(self):
        return f"<{self.where} {self.lang}>"


def doc_files(source_dir):
    files = [os.path.join(source_dir, "README.md")]
    files += sorted(glob.glob(os.path.join(source_dir, "docs", "*.md")))
    return [f for f in files if os.path.exists(f)]


def parse_markers(comments, where):
    markers = {}
    for text in comments:
        m = re.match(r"^([a-z ]+?)\s*:\s*(.*)$", text)
        if not m or m.group(1) not in MARKERS:
            continue  # an ordinary comment
        name, value = m.group(1), m.group(2).strip()
        if not value:
            raise DocError(f"{where}: the marker <!-- {name}: --> needs a value"
                           + (" (the reason)" if name in ("not run", "not checked") else ""))
        if name in markers:
            raise DocError(f"{where}: the marker {name!r} is given twice")
        if name == "exit" and not re.fullmatch(r"\d+", value):
            raise DocError(f"{where}: <!-- exit: {value} --> is not an exit status")
        markers[name] = value
    return markers


def read_blocks(path, source_dir):
    rel = os.path.relpath(path, source_dir)
    lines = open(path, encoding="utf-8").read().split("\n")
    blocks = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, ticks, lang = m.group(1), m.group(2), m.group(3)
        start = i
        j = i + 1
        while j < len(lines):
            c = re.match(r"^\s*(`{3,})\s*$", lines[j])
            if c and len(c.group(1)) >= len(ticks):
                break
            j += 1
        if j == len(lines):
            raise DocError(f"{rel}:{start + 1}: the fence is never closed")
        body = []
        for line in lines[start + 1:j]:
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
        comments = []
        k = start - 1
        while k >= 0 and _COMMENT.match(lines[k]):
            comments.insert(0, _COMMENT.match(lines[k]).group(1))
            k -= 1
        where = f"{rel}:{start + 1}"
        blocks.append(Block(path, rel, start + 1, j + 1, lang, "\n".join(body) + "\n", parse_markers(comments, where)))
        i = j + 1
    return blocks


def all_blocks(source_dir):
    blocks = []
    for f in doc_files(source_dir):
        blocks += read_blocks(f, source_dir)
    check(blocks)
    return blocks


def check(blocks):
    """Refuses markers that make no sense where they stand."""
    names = {}
    for b in blocks:
        if b.kind is None and b.lang.lower() not in DATA_LANGS:
            raise DocError(f"{b.where}: unknown fence language {b.lang!r}: a program is cpp, c, python, sh, "
                           f"bash or console; data or output is {', '.join(sorted(DATA_LANGS - {''}))} or none")
        if "example" in b.markers:
            key = (b.rel, b.markers["example"])
            if key in names:
                raise DocError(f"{b.where}: the example name {b.markers['example']!r} is used twice in {b.rel}")
            names[key] = b
    for b in blocks:
        program = b.kind is not None
        for name in ("not run", "example", "continues", "exit"):
            if name in b.markers and not program:
                raise DocError(f"{b.where}: <!-- {name}: --> stands before a {b.lang or 'plain'} block, "
                               "which is not a program")
        if "continues" in b.markers:
            target = names.get((b.rel, b.markers["continues"]))
            if target is None:
                raise DocError(f"{b.where}: continues {b.markers['continues']!r}, which no block of {b.rel} is named")
            if target.kind != b.kind or b.kind == "console":
                raise DocError(f"{b.where}: a block continues only a block of its own language (not console)")
        if "not run" in b.markers and ("http" in b.markers or "continues" in b.markers):
            raise DocError(f"{b.where}: a block that is not run cannot be continued or checked")


def is_part(block, blocks):
    """A C or C++ block of functions without main() that other blocks continue: compiled into them."""
    if block.kind not in ("c", "cpp") or "example" not in block.markers:
        return False
    if re.search(r"\bmain\s*\(", block.text):
        return False
    return any(b.rel == block.rel and b.markers.get("continues") == block.markers["example"] for b in blocks)


def chain(block, blocks):
    """The blocks to run for `block`: what it continues (recursively), then itself."""
    names = {(b.rel, b.markers["example"]): b for b in blocks if "example" in b.markers}
    out, seen = [block], {id(block)}
    while "continues" in out[0].markers:
        prev = names[(out[0].rel, out[0].markers["continues"])]
        if id(prev) in seen:
            raise DocError(f"{block.where}: the examples continue each other in a circle")
        seen.add(id(prev))
        out.insert(0, prev)
    return out


_EXPECT = {
    "python": [re.compile(r"#\s*->\s?(.*?)\s*$")],
    "sh": [re.compile(r"#\s*->\s?(.*?)\s*$")],
    "cpp": [re.compile(r"//\s*->\s?(.*?)\s*$"), re.compile(r"/\*\s*->\s?(.*?)\s*\*/")],
    "c": [re.compile(r"//\s*->\s?(.*?)\s*$"), re.compile(r"/\*\s*->\s?(.*?)\s*\*/")],
}


def expected_lines(block):
    """The lines the block says it prints, in order (see the module's comment)."""
    out = []
    for line in block.text.split("\n"):
        for rx in _EXPECT.get(block.kind, []):
            m = rx.search(line)
            if m:
                out.append(m.group(1))
                break
    return out


def line_matches(expected, actual):
    """`expected` with "..." standing for any text."""
    parts = [re.escape(p) for p in expected.split("...")]
    return re.fullmatch(".*?".join(parts), actual.rstrip()) is not None


def check_subsequence(expected, output):
    """Every expected line, in order, among the output's lines. Returns an error or None."""
    lines = output.split("\n")
    at = 0
    for e in expected:
        while at < len(lines) and not line_matches(e, lines[at]):
            at += 1
        if at == len(lines):
            return f"the output lacks the line {e!r} (after the lines matched before it)"
        at += 1
    return None


def check_transcript(expected, output):
    """The output is exactly the expected lines, "..." standing for any text in a line and a line
    of only "..." for any number of lines. Returns an error or None."""
    lines = output.rstrip("\n").split("\n") if output.strip() else []

    def match(i, j):
        if i == len(expected):
            return j == len(lines)
        if expected[i].strip() == "...":
            return any(match(i + 1, k) for k in range(j, len(lines) + 1))
        return j < len(lines) and line_matches(expected[i], lines[j]) and match(i + 1, j + 1)

    if match(0, 0):
        return None
    return "the output differs from the one shown:\n--- shown\n" + "\n".join(expected) + \
        "\n--- printed\n" + "\n".join(lines)


def console_commands(block):
    """A console block as [(command, [expected output lines])]."""
    items = []
    lines = block.text.rstrip("\n").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            cmd = line[2:]
            while cmd.endswith("\\") and i + 1 < len(lines):
                i += 1
                cmd = cmd + "\n" + lines[i]
            items.append([cmd, []])
        elif items:
            items[-1][1].append(line)
        else:
            raise DocError(f"{block.where}: a console block starts with a command after '$ '")
        i += 1
    return items
