#!/usr/bin/python3
"""Runs the code examples of README.md and docs/*.md as written.

    run_docs.py --source DIR --build DIR --work DIR MODE [--only FILE:LINE]

MODE is one of
  inventory  lists every program block, the ones not run with their reasons, and checks the markers
  cpp        C++ and C blocks: installs the build into WORK/prefix and builds every block as one
             executable of one CMake project, against the installed package (C++:
             find_package(switchboard REQUIRED COMPONENTS static), switchboard::static; C:
             switchboard::switchboard, the shared library), then runs each
  python     python blocks, with /usr/bin/python3 and PYTHONPATH=BUILD/python
  shell      sh, bash and console blocks, with `build` a symlink to BUILD in the working
             directory and BUILD/examples/cli and BUILD/examples/host first on PATH

Every example runs in a new working directory holding the fixtures of
fixtures.py (call.wav ...). An example fails when it does not compile, exits
with a status other than 0 (or its <!-- exit: N -->), or does not print the
lines its "->" comments (or, for console blocks, its transcript) show. The
conventions are in docblocks.py and docs/testing.md.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import docblocks  # noqa: E402
import fixtures  # noqa: E402

PYTHON = "/usr/bin/python3"
TIMEOUT = 180


class Runner:
    def __init__(self, args):
        self.source = os.path.abspath(args.source)
        self.build = os.path.abspath(args.build)
        self.work = os.path.abspath(args.work)
        self.only = args.only
        self.blocks = docblocks.all_blocks(self.source)
        self.failures = []
        self.ran = 0
        self.fixture_dir = None

    # ------------------------------------------------------------ helpers
    def selected(self, kinds):
        out = []
        for b in self.blocks:
            if b.kind not in kinds or "not run" in b.markers or "http" in b.markers:
                continue
            if docblocks.is_part(b, self.blocks):
                continue
            if self.only and not any(o in (b.where, b.rel) for o in self.only):
                continue
            out.append(b)
        return out

    def fail(self, block, what, output=""):
        self.failures.append((block, what, output))
        print(f"FAIL {block.where} ({block.lang}): {what}")
        if output:
            print("    " + output.rstrip("\n").replace("\n", "\n    "))
        sys.stdout.flush()

    def passed(self, block, seconds):
        self.ran += 1
        print(f"ok   {block.where} ({block.lang}, {seconds:.1f} s)")
        sys.stdout.flush()

    def workdir(self, block, mode):
        name = re.sub(r"[^A-Za-z0-9]+", "_", f"{block.rel}_{block.line}").strip("_")
        d = os.path.join(self.work, mode, name)
        shutil.rmtree(d, ignore_errors=True)
        if self.fixture_dir is None:
            self.fixture_dir = fixtures.make(os.path.join(self.work, "fixtures"))
        return fixtures.populate(self.fixture_dir, d)

    def install(self):
        prefix = os.path.join(self.work, "prefix")
        shutil.rmtree(prefix, ignore_errors=True)
        r = subprocess.run(["cmake", "--install", self.build, "--prefix", prefix],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            sys.exit(f"cmake --install {self.build} --prefix {prefix} failed:\n{r.stdout}")
        return prefix

    def check_run(self, block, r, seconds, expected_status=None):
        """Judges a finished program: its status and the lines its "->" comments show."""
        want = int(block.markers.get("exit", "0")) if expected_status is None else expected_status
        output = r.stdout + (("\n--- stderr\n" + r.stderr) if r.stderr else "")
        if r.returncode != want:
            self.fail(block, f"exited with status {r.returncode}" + (f", not {want}" if want else ""), output)
            return
        problem = docblocks.check_subsequence(docblocks.expected_lines(block), r.stdout)
        if problem:
            self.fail(block, problem, output)
            return
        self.passed(block, seconds)

    def execute(self, block, argv, cwd, env, stdin=subprocess.DEVNULL):
        start = time.time()
        # A session of its own, so that a timeout ends whatever the example started.
        p = subprocess.Popen(argv, cwd=cwd, env=env, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, start_new_session=True)
        try:
            out, err = p.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, _ = p.communicate()
            self.fail(block, f"did not end within {TIMEOUT} s", out)
            return None, 0
        finally:
            try:
                os.killpg(p.pid, signal.SIGKILL)   # what it left running in the background
            except ProcessLookupError:
                pass
        return subprocess.CompletedProcess(argv, p.returncode, out, err), time.time() - start

    # ------------------------------------------------------------ modes
    def inventory(self):
        counts = {}
        skipped = []
        http = []
        parts = []
        for b in self.blocks:
            if b.kind is None:
                continue
            if "not run" in b.markers:
                skipped.append(b)
            elif docblocks.is_part(b, self.blocks):
                parts.append(b)
            elif "http" in b.markers:
                http.append(b)
            else:
                counts[b.kind] = counts.get(b.kind, 0) + 1
        print("program blocks run, by language: " +
              ", ".join(f"{k} {counts.get(k, 0)}" for k in ("cpp", "c", "python", "sh", "console")))
        for b in parts:
            users = [x.where for x in self.blocks if x.rel == b.rel and x.markers.get("continues") == b.markers["example"]]
            print(f"  {b.where} ({b.lang}) has no main(): compiled into {', '.join(users)}")
        print(f"shell blocks run by check_http.py against switchboard-host: {len(http)}")
        for b in http:
            print(f"  {b.where} (http: {b.markers['http']})")
        print(f"program blocks not run: {len(skipped)}")
        for b in skipped:
            print(f"  {b.where} ({b.lang}): {b.markers['not run']}")
        return 0

    def run_cpp(self):
        blocks = self.selected({"cpp", "c"})
        if not blocks:
            print("no C or C++ block to run")
            return
        prefix = self.install()
        project = os.path.join(self.work, "cpp")
        shutil.rmtree(project, ignore_errors=True)
        os.makedirs(project)
        lines = ["cmake_minimum_required(VERSION 3.22)",
                 "project(switchboard_doc_examples LANGUAGES C CXX)",
                 "find_package(switchboard REQUIRED COMPONENTS static)"]
        targets = {}
        for b in blocks:
            name = re.sub(r"[^A-Za-z0-9]+", "_", f"{b.rel}_{b.line}").strip("_")
            ext = "cpp" if b.kind == "cpp" else "c"
            with open(os.path.join(project, f"{name}.{ext}"), "w") as f:
                # Compiler messages name the markdown file and its lines.
                for part in docblocks.chain(b, self.blocks):
                    f.write(f'#line {part.line + 1} "{part.path}"\n' + part.text)
            lines.append(f"add_executable({name} {name}.{ext})")
            if b.kind == "cpp":
                lines.append(f"set_target_properties({name} PROPERTIES CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON)")
                lines.append(f"target_link_libraries({name} PRIVATE switchboard::static)")
            else:
                lines.append(f"set_target_properties({name} PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON)")
                lines.append(f"target_link_libraries({name} PRIVATE switchboard::switchboard)")
            targets[name] = b
        with open(os.path.join(project, "CMakeLists.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")
        out = os.path.join(project, "build")
        r = subprocess.run(["cmake", "-S", project, "-B", out, "-G", "Unix Makefiles",
                            f"-DCMAKE_PREFIX_PATH={prefix}"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            sys.exit(f"configuring the examples against {prefix} failed:\n{r.stdout}")
        jobs = os.environ.get("SWITCHBOARD_DOCS_JOBS", "2")
        start = time.time()
        subprocess.run(["cmake", "--build", out, "-j", jobs, "--", "-k"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(f"built {len(targets)} examples in {time.time() - start:.1f} s")
        env = dict(os.environ, LD_LIBRARY_PATH=os.path.join(prefix, "lib"))
        for name, b in targets.items():
            exe = os.path.join(out, name)
            if not os.path.exists(exe):
                r = subprocess.run(["cmake", "--build", out, "--target", name],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                self.fail(b, "does not compile against the installed package", r.stdout[-6000:])
                continue
            cwd = self.workdir(b, "cpp-run")
            r, seconds = self.execute(b, [exe], cwd, env)
            if r is not None:
                self.check_run(b, r, seconds)

    def run_python(self):
        env = dict(os.environ, PYTHONPATH=os.path.join(self.build, "python"), PYTHONDONTWRITEBYTECODE="1")
        for b in self.selected({"python"}):
            cwd = self.workdir(b, "python")
            code = "".join(x.text for x in docblocks.chain(b, self.blocks))
            with open(os.path.join(cwd, "example.py"), "w") as f:
                f.write(code)
            r, seconds = self.execute(b, [PYTHON, "example.py"], cwd, env)
            if r is not None:
                self.check_run(b, r, seconds)

    def shell_env(self, prefix):
        path = os.pathsep.join([os.path.join(self.build, "examples", "cli"),
                                os.path.join(self.build, "examples", "host"), os.environ.get("PATH", "")])
        return dict(os.environ, PATH=path, PKG_CONFIG_PATH=os.path.join(prefix, "lib", "pkgconfig"),
                    PYTHONDONTWRITEBYTECODE="1")

    def run_shell(self):
        blocks = self.selected({"sh", "console"})
        if not blocks:
            print("no shell block to run")
            return
        env = self.shell_env(self.install())
        for b in blocks:
            cwd = self.workdir(b, "shell")
            os.symlink(self.build, os.path.join(cwd, "build"))
            if b.kind == "sh":
                with open(os.path.join(cwd, "example.sh"), "w") as f:
                    f.write("".join(x.text for x in docblocks.chain(b, self.blocks)))
                r, seconds = self.execute(b, ["bash", "-e", "-o", "pipefail", "example.sh"], cwd, env)
                if r is not None:
                    self.check_run(b, r, seconds)
                continue
            # console: each command in turn, its output against the transcript
            items = docblocks.console_commands(b)
            start = time.time()
            for n, (cmd, shown) in enumerate(items):
                last = n == len(items) - 1
                want = int(b.markers.get("exit", "0")) if last else 0
                r, _ = self.execute(b, ["bash", "-o", "pipefail", "-c", cmd], cwd, env)
                if r is None:
                    break
                if r.returncode != want:
                    self.fail(b, f"`{cmd}` exited with status {r.returncode}" + (f", not {want}" if want else ""),
                              r.stdout + ("\n--- stderr\n" + r.stderr if r.stderr else ""))
                    break
                problem = docblocks.check_transcript(shown, r.stdout)
                if problem:
                    self.fail(b, f"`{cmd}`: {problem}")
                    break
            else:
                self.passed(b, time.time() - start)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["inventory", "cpp", "python", "shell"])
    p.add_argument("--source", required=True)
    p.add_argument("--build", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--only", action="append", help="FILE or FILE:LINE of the blocks to run (repeatable)")
    args = p.parse_args()
    try:
        runner = Runner(args)
    except docblocks.DocError as e:
        sys.exit(f"docs: {e}")
    os.makedirs(runner.work, exist_ok=True)
    if args.mode == "inventory":
        return runner.inventory()
    getattr(runner, f"run_{args.mode}")()
    print(f"{runner.ran} blocks ran as written, {len(runner.failures)} failed")
    if runner.failures:
        print("failed:")
        for b, what, _ in runner.failures:
            print(f"  {b.where} ({b.lang}): {what.splitlines()[0]}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
