"""The Debian package, built with cpack from this build and checked unpacked.

cpack writes switchboard_<version>-1_<arch>.deb into a scratch directory;
`dpkg-deb -x` unpacks it there (no root, no container, nothing installed on
the machine), and what it holds is run from there: switchboard-host with the
packaged config on a free port, the CLI, the Python package from its
dist-packages, a C program through pkg-config and C and C++ programs through
the CMake package. The environment comes from ctest (tests/packaging/CMakeLists.txt).
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import textwrap
import urllib.request

import pytest

SOURCE = os.environ["SWITCHBOARD_SOURCE_DIR"]
BUILD = os.environ["SWITCHBOARD_BUILD_DIR"]
VERSION = os.environ["SWITCHBOARD_VERSION"]
SOVERSION = os.environ["SWITCHBOARD_SOVERSION"]
CPACK = os.environ.get("SWITCHBOARD_CPACK", "cpack")
CMAKE = os.environ.get("SWITCHBOARD_CMAKE", "cmake")
WORK = os.path.join(os.environ["SWITCHBOARD_PACKAGING_WORK"], "deb")

PYTHON = "/usr/bin/python3"
DIST_PACKAGES = "usr/lib/python3/dist-packages"
EXT_SUFFIX = sysconfig.get_config_var("EXT_SUFFIX")


def run(argv, **kw):
    """Runs a command; its output goes into the assertion message if it fails."""
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    kw.setdefault("text", True)
    kw.setdefault("timeout", 300)
    r = subprocess.run(argv, **kw)
    assert r.returncode == 0, f"{argv} exited with {r.returncode}:\n{r.stdout}\n{r.stderr}"
    return r


class Package:
    def __init__(self, path, root):
        self.path = path
        self.root = root

    def at(self, rel):
        return os.path.join(self.root, rel)


@pytest.fixture(scope="module")
def deb():
    shutil.rmtree(WORK, ignore_errors=True)
    out = os.path.join(WORK, "out")
    os.makedirs(out)
    run([CPACK, "--config", os.path.join(BUILD, "CPackConfig.cmake"), "-B", out], cwd=BUILD)
    arch = run(["dpkg", "--print-architecture"]).stdout.strip()
    debs = sorted(f for f in os.listdir(out) if f.endswith(".deb"))
    assert debs == [f"switchboard_{VERSION}-1_{arch}.deb"]
    path = os.path.join(out, debs[0])
    root = os.path.join(WORK, "root")
    run(["dpkg-deb", "-x", path, root])
    return Package(path, root)


@pytest.fixture
def scratch(tmp_path):
    return tmp_path


# ------------------------------------------------------------------ the package itself
def test_file_list(deb):
    listing = run(["dpkg-deb", "-c", deb.path]).stdout
    entries = {}
    for line in listing.splitlines():
        fields = line.split(None, 5)
        name = fields[5].split(" -> ")[0]
        entries[name.lstrip(".")] = fields[0]
    files = {n for n, mode in entries.items() if not mode.startswith("d")}

    c_headers = sorted(f for f in os.listdir(os.path.join(SOURCE, "capi")) if re.fullmatch(r"switchboard\w*\.h", f))
    cpp_headers = sorted(os.listdir(os.path.join(SOURCE, "include", "switchboard")))
    expected = {
        "/usr/bin/switchboard-host",
        "/usr/bin/switchboard",
        f"/usr/lib/libswitchboard.so.{VERSION}",
        f"/usr/lib/libswitchboard.so.{SOVERSION}",
        "/usr/lib/libswitchboard.so",
        "/usr/lib/libswitchboard_static.a",
        "/usr/lib/cmake/switchboard/switchboardConfig.cmake",
        "/usr/lib/cmake/switchboard/switchboardConfigVersion.cmake",
        "/usr/lib/cmake/switchboard/switchboardTargets.cmake",
        "/usr/lib/cmake/switchboard/switchboardStaticTargets.cmake",
        "/usr/lib/pkgconfig/switchboard.pc",
        "/usr/lib/systemd/system/switchboard-host.service",
        "/etc/switchboard/host.toml",
        f"/{DIST_PACKAGES}/switchboard/__init__.py",
        f"/{DIST_PACKAGES}/switchboard/records.py",
        f"/{DIST_PACKAGES}/switchboard/_switchboard.pyi",
        f"/{DIST_PACKAGES}/switchboard/py.typed",
        f"/{DIST_PACKAGES}/switchboard/_switchboard{EXT_SUFFIX}",
    }
    expected |= {f"/usr/include/{h}" for h in c_headers}
    expected |= {f"/usr/include/switchboard/{h}" for h in cpp_headers}
    assert "switchboard.h" in c_headers and "switchboard.hpp" in cpp_headers
    assert expected - files == set(), "missing from the package"
    # Nothing outside /usr and /etc, no site-packages, no byte code, no build paths.
    assert [f for f in files if not f.startswith(("/usr/", "/etc/"))] == []
    assert [f for f in files if "site-packages" in f or "__pycache__" in f or f.endswith(".pyc")] == []
    assert entries["/usr/bin/switchboard-host"] == "-rwxr-xr-x"
    assert entries["/etc/switchboard/host.toml"] == "-rw-r--r--"


def control_file(deb, name):
    r = subprocess.run(["dpkg-deb", "--ctrl-tarfile", deb.path], stdout=subprocess.PIPE, check=True)
    t = subprocess.run(["tar", "-xO", f"./{name}"], input=r.stdout, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return t.stdout.decode() if t.returncode == 0 else None


def test_control_fields(deb):
    def field(name):
        return run(["dpkg-deb", "-f", deb.path, name]).stdout.strip()

    assert field("Package") == "switchboard"
    assert field("Version") == f"{VERSION}-1"
    assert field("Architecture") == run(["dpkg", "--print-architecture"]).stdout.strip()
    depends = [d.strip() for d in field("Depends").split(",")]
    py = "%d.%d" % sys.version_info[:2]
    assert f"python3 (>= {py})" in depends
    assert f"python3 (<< {sys.version_info[0]}.{sys.version_info[1] + 1})" in depends
    names = {d.split()[0] for d in depends}
    # from dpkg-shlibdeps: the libraries the binaries load
    for lib in ("libc6", "libstdc++6", "libsodium23", "libsqlite3-0", "libhyperscan5", "libsndfile1",
                "libsamplerate0", "libtomlplusplus3", "zlib1g"):
        assert lib in names, f"{lib} is not in Depends: {depends}"
    # ... each of which this machine (which ran the build) satisfies
    for dep in depends:
        m = re.fullmatch(r"([a-z0-9.+-]+)(?: \((<<|<=|=|>=|>>) ([^)]+)\))?", dep)
        assert m, dep
        installed = subprocess.run(["dpkg-query", "-W", "-f=${Version}", m.group(1)],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert installed.returncode == 0 and installed.stdout, f"{m.group(1)} is not installed"
        if m.group(2):
            op = {"<<": "lt", "<=": "le", "=": "eq", ">=": "ge", ">>": "gt"}[m.group(2)]
            assert subprocess.run(["dpkg", "--compare-versions", installed.stdout, op, m.group(3)]).returncode == 0, \
                f"{dep}: {installed.stdout} is installed"
    assert field("Recommends") == "python3-numpy"


def test_control_files(deb):
    assert control_file(deb, "conffiles") == "/etc/switchboard/host.toml\n"
    assert control_file(deb, "shlibs") == f"libswitchboard {SOVERSION} switchboard (>= {VERSION})\n"
    # No maintainer script creates users or starts services: the unit's user
    # is systemd's (DynamicUser=). CPack's postinst and postrm run ldconfig.
    for name in ("preinst", "prerm"):
        assert control_file(deb, name) is None
    for name in ("postinst", "postrm"):
        script = control_file(deb, name)
        assert script is not None
        commands = [l.strip() for l in script.splitlines()
                    if l.strip() and not l.startswith("#") and l.strip() not in ("set -e", "fi")]
        assert [c for c in commands if not c.startswith("if [") and c != "ldconfig"] == [], script


def test_binaries_find_their_libraries(deb):
    env = dict(os.environ, LD_LIBRARY_PATH=deb.at("usr/lib"))
    for rel in ("usr/bin/switchboard-host", "usr/bin/switchboard", f"usr/lib/libswitchboard.so.{VERSION}",
                f"{DIST_PACKAGES}/switchboard/_switchboard{EXT_SUFFIX}"):
        out = run(["ldd", deb.at(rel)], env=env).stdout
        assert "not found" not in out, f"{rel}:\n{out}"
        assert "RUNPATH" not in run(["readelf", "-d", deb.at(rel)]).stdout


# ------------------------------------------------------------------ switchboard-host
def test_host_help(deb):
    r = run([deb.at("usr/bin/switchboard-host"), "--help"])
    assert r.stdout.startswith("usage: switchboard-host")
    assert "--config FILE" in r.stdout


def test_packaged_config(deb):
    """The host reads the conffile: data in /var/lib/switchboard, every key known."""
    r = run([deb.at("usr/bin/switchboard-host"), "--config", deb.at("etc/switchboard/host.toml"), "--print-config"])
    settings = dict(l.split(" = ", 1) for l in r.stdout.splitlines() if " = " in l)
    assert settings["data"] == '"/var/lib/switchboard"'
    assert settings["host"] == '"127.0.0.1"'
    assert settings["port"] == "8080"


def test_host_serves_health(deb, scratch):
    data = scratch / "data"
    host = subprocess.Popen(
        [deb.at("usr/bin/switchboard-host"), "--config", deb.at("etc/switchboard/host.toml"),
         "--port", "0", "--data", str(data), "--no-demo"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = None
        for line in host.stdout:
            m = re.fullmatch(r"listening on (http://127\.0\.0\.1:\d+)", line.strip())
            if m:
                url = m.group(1)
                break
        assert url, "switchboard-host did not start: " + host.stderr.read()
        with urllib.request.urlopen(url + "/health", timeout=10) as answer:
            assert answer.status == 200
            body = json.loads(answer.read())
        assert isinstance(body, dict) and body
        assert (data / "switchboard.db").exists()
        host.send_signal(signal.SIGTERM)
        assert host.wait(timeout=30) == 0
    finally:
        if host.poll() is None:
            host.kill()
            host.wait()


# ------------------------------------------------------------------ the CLI
def test_cli(deb, scratch):
    cli = deb.at("usr/bin/switchboard")
    assert VERSION in run([cli, "--version"]).stdout
    run([cli, "db", "migrate", "--data", str(scratch / "var")])
    info = run([cli, "db", "info", "--data", str(scratch / "var")]).stdout
    assert "schema" in info and str(scratch / "var") in info


# ------------------------------------------------------------------ the unit file
def test_systemd_unit(deb, scratch):
    text = open(deb.at("usr/lib/systemd/system/switchboard-host.service")).read()
    lines = {l.strip() for l in text.splitlines()}
    for want in ("ExecStart=/usr/bin/switchboard-host --config /etc/switchboard/host.toml",
                 "User=switchboard", "DynamicUser=yes", "StateDirectory=switchboard",
                 "WantedBy=multi-user.target"):
        assert want in lines
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze is not installed")
    # systemd-analyze checks that ExecStart's program exists: a copy of the
    # unit runs the unpacked one. Any warning (an unknown key ...) fails.
    unit = scratch / "switchboard-host.service"
    unit.write_text(text.replace("ExecStart=/usr/bin/switchboard-host",
                                 "ExecStart=" + deb.at("usr/bin/switchboard-host")))
    r = subprocess.run([analyze, "verify", str(unit)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "", r.stdout


# ------------------------------------------------------------------ Python
def test_python_package(deb, scratch):
    # Debian's python3 searches /usr/lib/python3/dist-packages, where the package is.
    sys_path = run([PYTHON, "-c", "import sys; print('\\n'.join(sys.path))"]).stdout.split()
    assert "/" + DIST_PACKAGES in sys_path
    code = textwrap.dedent("""
        import switchboard
        print(switchboard.__file__)
        print(switchboard.__version__)
        r = switchboard.analyze_text("I'll call you back by tomorrow, card 4539 1488 0343 6467")
        print(r["promises"][0]["time_statement"])
        print(r["redacted_text"])
        db = switchboard.Database("helpline.db")
        db.sign_up("Acme Helpline", "owner@example.org", "+254 700 000001", "Correct-Horse-9-Battery")
        print(len(db.outbox("owner@example.org")))
        db.close()
    """)
    env = dict(os.environ, PYTHONPATH=deb.at(DIST_PACKAGES), PYTHONNOUSERSITE="1")
    out = run([PYTHON, "-c", code], env=env, cwd=scratch).stdout.splitlines()
    assert out == [deb.at(f"{DIST_PACKAGES}/switchboard/__init__.py"), VERSION, "by tomorrow",
                   "I'll call you back by tomorrow, card **** **** **** 6467", "1"]


# ------------------------------------------------------------------ building against it
def test_pkg_config(deb, scratch):
    pc_dir = deb.at("usr/lib/pkgconfig")
    env = dict(os.environ, PKG_CONFIG_PATH=pc_dir)
    env.pop("PKG_CONFIG_SYSROOT_DIR", None)
    # What an installed package says: its own paths, under /usr
    assert run(["pkg-config", "--modversion", "switchboard"], env=env).stdout.strip() == VERSION
    assert run(["pkg-config", "--variable=libdir", "switchboard"], env=env).stdout.strip() == "/usr/lib"
    assert run(["pkg-config", "--variable=includedir", "switchboard"], env=env).stdout.strip() == "/usr/include"
    # /usr/include and /usr/lib are the compiler's own: only the library is left
    assert run(["pkg-config", "--cflags", "--libs", "switchboard"], env=env).stdout.split() == ["-lswitchboard"]
    # Built against the unpacked tree (as a sysroot), then run.
    env.update(PKG_CONFIG_SYSROOT_DIR=deb.root, PKG_CONFIG_ALLOW_SYSTEM_CFLAGS="1", PKG_CONFIG_ALLOW_SYSTEM_LIBS="1")
    flags = run(["pkg-config", "--cflags", "--libs", "switchboard"], env=env).stdout.split()
    assert flags == [f"-I{deb.root}/usr/include", f"-L{deb.root}/usr/lib", "-lswitchboard"]
    exe = str(scratch / "accounts_demo")
    run(["cc", "-o", exe, os.path.join(SOURCE, "examples", "c", "accounts_demo.c"), *flags])
    out = run([exe, str(scratch / "demo.db")], env=dict(os.environ, LD_LIBRARY_PATH=deb.at("usr/lib"))).stdout
    assert '"username":"agent.one"' in out


def test_cmake_package(deb, scratch):
    project = scratch / "project"
    project.mkdir()
    shutil.copy(os.path.join(SOURCE, "examples", "c", "accounts_demo.c"), project)
    (project / "text.cpp").write_text(textwrap.dedent("""
        #include <switchboard/switchboard.hpp>
        #include <cstdio>
        int main() {
            auto r = switchboard::analyze_text("we'll send it within 24 hours");
            std::printf("%s\\n", r.promises.at(0).time_statement.c_str());
        }
    """))
    (project / "CMakeLists.txt").write_text(textwrap.dedent("""
        cmake_minimum_required(VERSION 3.22)
        project(uses_switchboard LANGUAGES C CXX)
        find_package(switchboard 0.2 REQUIRED COMPONENTS static)
        add_executable(accounts_demo accounts_demo.c)
        target_link_libraries(accounts_demo PRIVATE switchboard::switchboard)
        add_executable(text text.cpp)
        set_target_properties(text PROPERTIES CXX_STANDARD 20)
        target_link_libraries(text PRIVATE switchboard::static)
    """))
    build = scratch / "build"
    run([CMAKE, "-S", str(project), "-B", str(build), f"-DCMAKE_PREFIX_PATH={deb.at('usr')}",
         "-DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF"])
    cache = (build / "CMakeCache.txt").read_text()
    assert f"switchboard_DIR:PATH={deb.at('usr/lib/cmake/switchboard')}" in cache
    run([CMAKE, "--build", str(build), "-j", "1"], timeout=600)   # beside the other tests of ctest -j2
    env = dict(os.environ, LD_LIBRARY_PATH=deb.at("usr/lib"))
    assert '"username":"agent.one"' in run([str(build / "accounts_demo"), str(scratch / "c.db")], env=env).stdout
    assert run([str(build / "text")]).stdout == "within 24 hours\n"
