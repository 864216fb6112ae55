"""The CMake project as others meet it.

- Taken in by another project with add_subdirectory(), switchboard builds the
  libraries alone (its tests, Python bindings, examples and benchmarks are
  off unless the parent turns them on), leaves the parent's build type and
  packaging alone, and its targets are there for the parent's to link.
- As the top-level project, every optional part is on by default and
  `cpack` is set up.
- `cmake --install` puts the Python package where Debian's python3 looks for
  the prefix, and writes the .pc file with that prefix.
- CMakeLists.txt lists every source of the library (there is no glob): this
  test compares the list with the files on disk.
"""

import os
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

SOURCE = os.environ["SWITCHBOARD_SOURCE_DIR"]
BUILD = os.environ["SWITCHBOARD_BUILD_DIR"]
CMAKE = os.environ.get("SWITCHBOARD_CMAKE", "cmake")
WORK = os.path.join(os.environ["SWITCHBOARD_PACKAGING_WORK"], "cmake")
OPTIONS = ("SWITCHBOARD_BUILD_TESTS", "SWITCHBOARD_BUILD_PYTHON", "SWITCHBOARD_BUILD_EXAMPLES",
           "SWITCHBOARD_BUILD_BENCHMARKS")


def run(argv, **kw):
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600, **kw)
    assert r.returncode == 0, f"{argv} exited with {r.returncode}:\n{r.stdout}"
    return r.stdout


def cache(build):
    values = {}
    with open(os.path.join(build, "CMakeCache.txt")) as f:
        for line in f:
            m = re.match(r"([A-Za-z_0-9]+):[A-Z]+=(.*)$", line.rstrip("\n"))
            if m:
                values[m.group(1)] = m.group(2)
    return values


def fresh(name):
    d = os.path.join(WORK, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def test_as_a_subproject():
    d = fresh("subproject")
    parent = os.path.join(d, "parent")
    os.makedirs(parent)
    with open(os.path.join(parent, "app.c"), "w") as f:
        f.write("#include <switchboard.h>\nint main(void) { return sb_last_error() ? 0 : 1; }\n")
    with open(os.path.join(parent, "CMakeLists.txt"), "w") as f:
        f.write(textwrap.dedent(f"""
            cmake_minimum_required(VERSION 3.22)
            project(parent LANGUAGES C CXX)
            add_subdirectory("{SOURCE}" switchboard)
            add_executable(app app.c)
            target_link_libraries(app PRIVATE switchboard::switchboard)
        """))
    build = os.path.join(d, "build")
    # Generating fails if the parent's target names a switchboard target that is not there.
    run([CMAKE, "-S", parent, "-B", build, "-G", "Unix Makefiles"])
    values = cache(build)
    for option in OPTIONS:
        assert values[option] == "OFF", option
    assert values.get("CMAKE_BUILD_TYPE", "") == ""       # the parent's choice, not forced to Release
    assert not os.path.exists(os.path.join(build, "CPackConfig.cmake"))
    for part in ("tests", "bindings", "examples", "benchmarks"):
        assert not os.path.exists(os.path.join(build, "switchboard", part)), part


def test_as_the_top_level_project():
    build = fresh("top-level")
    run([CMAKE, "-S", SOURCE, "-B", build, "-G", "Unix Makefiles"])
    values = cache(build)
    for option in OPTIONS:
        assert values[option] == "ON", option
    assert values["CMAKE_BUILD_TYPE"] == "Release"
    with open(os.path.join(build, "CPackConfig.cmake")) as f:
        config = f.read()
    assert 'set(CPACK_GENERATOR "DEB")' in config
    assert 'set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")' in config
    shutil.rmtree(build)


def installed(prefix, destdir, *args):
    """Installs the build with DESTDIR (nothing outside the scratch directory); the files, relative to it."""
    run([CMAKE, "--install", BUILD, "--prefix", prefix, *args], env=dict(os.environ, DESTDIR=destdir))
    return {os.path.relpath(os.path.join(d, f), destdir) for d, _, fs in os.walk(destdir) for f in fs}


def test_install_locations():
    if cache(BUILD).get("SWITCHBOARD_BUILD_PYTHON") != "ON":
        pytest.skip("the Python bindings are not built")
    py = "python%d.%d" % sys.version_info[:2]
    d = fresh("install")
    where = {
        "/usr": "usr/lib/python3/dist-packages",                  # Debian's deb_system scheme
        "/usr/local": f"usr/local/lib/{py}/dist-packages",       # posix_local, searched by /usr/bin/python3
        "/opt/sb": f"opt/sb/lib/{py}/site-packages",              # posix_prefix: PYTHONPATH needed
    }
    for prefix, directory in where.items():
        files = installed(prefix, os.path.join(d, prefix.strip("/").replace("/", "_")), "--component", "python")
        assert f"{directory}/switchboard/__init__.py" in files, (prefix, sorted(files))
        assert all(f.startswith(directory + "/switchboard/") for f in files), (prefix, sorted(files))
    # Debian's python3 searches the first two.
    sys_path = run(["/usr/bin/python3", "-c", "import sys; print('\\n'.join(sys.path))"]).split()
    assert "/" + where["/usr"] in sys_path and "/" + where["/usr/local"] in sys_path

    files = installed("/usr/local", os.path.join(d, "all"))
    assert not any(f.startswith("etc/") or f.endswith(".service") for f in files)   # the service component is apart
    with open(os.path.join(d, "all", "usr/local/lib/pkgconfig/switchboard.pc")) as f:
        pc = f.read().splitlines()
    assert pc[:3] == ["prefix=/usr/local", "libdir=${prefix}/lib", "includedir=${prefix}/include"]
    assert "Libs: -L${libdir} -lswitchboard" in pc
    shutil.rmtree(d)


def test_every_source_is_listed():
    with open(os.path.join(SOURCE, "CMakeLists.txt")) as f:
        text = f.read()
    assert "GLOB" not in text
    m = re.search(r"set\(SWITCHBOARD_SOURCES\s+([^)]*)\)", text)
    assert m
    listed = m.group(1).split()
    on_disk = []
    for top in ("src", "capi"):
        for dirpath, _, files in os.walk(os.path.join(SOURCE, top)):
            on_disk += [os.path.relpath(os.path.join(dirpath, f), SOURCE) for f in files if f.endswith(".cpp")]
    assert sorted(listed) == sorted(on_disk)
    assert len(listed) == len(set(listed))
