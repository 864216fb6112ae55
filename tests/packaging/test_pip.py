"""`pip install .` into a venv, offline, with Debian's setuptools.

A copy of the source tree (without build directories) is installed into a
venv made with --system-site-packages (NumPy, setuptools and wheel come from
Debian's packages) by `pip install --no-build-isolation --no-index`, as
docs/packaging.md says. setup.py takes the extension module from this build
(SWITCHBOARD_CMAKE_BUILD_DIR) rather than compiling the library a second
time; building from nothing is the same setup.py with one more CMake step.
"""

import os
import shutil
import subprocess
import sysconfig
import textwrap

SOURCE = os.environ["SWITCHBOARD_SOURCE_DIR"]
BUILD = os.environ["SWITCHBOARD_BUILD_DIR"]
VERSION = os.environ["SWITCHBOARD_VERSION"]
WORK = os.path.join(os.environ["SWITCHBOARD_PACKAGING_WORK"], "pip")


def run(argv, **kw):
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600, **kw)
    assert r.returncode == 0, f"{argv} exited with {r.returncode}:\n{r.stdout}"
    return r.stdout


def ignored(directory, names):
    skip = {n for n in names if n in (".git", "var", "__pycache__") or n.endswith(".egg-info")}
    if os.path.abspath(directory) == os.path.abspath(SOURCE):
        skip |= {n for n in names if n.startswith("build")}
    return skip


def test_pip_install_into_venv():
    shutil.rmtree(WORK, ignore_errors=True)
    src = os.path.join(WORK, "src")
    shutil.copytree(SOURCE, src, ignore=ignored, symlinks=True)
    venv = os.path.join(WORK, "venv")
    run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", "--without-pip", venv])
    python = os.path.join(venv, "bin", "python")
    env = dict(os.environ, SWITCHBOARD_CMAKE_BUILD_DIR=BUILD, PIP_CONFIG_FILE=os.devnull,
               PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", PIP_NO_CACHE_DIR="1")
    env.pop("PYTHONPATH", None)
    # pip itself is Debian's (python3-pip), seen through the system site-packages.
    run([python, "-m", "pip", "install", "--no-build-isolation", "--no-index", src], env=env, cwd=WORK)

    site = run([python, "-c", "import sysconfig; print(sysconfig.get_path('platlib'))"]).strip()
    assert site.startswith(venv + os.sep)
    package = os.path.join(site, "switchboard")
    installed = sorted(os.listdir(package))
    ext = "_switchboard" + sysconfig.get_config_var("EXT_SUFFIX")
    for name in ("__init__.py", "records.py", "_switchboard.pyi", "py.typed", ext):
        assert name in installed, installed

    show = run([python, "-m", "pip", "show", "switchboard"], env=env)
    assert f"Version: {VERSION}" in show.splitlines()

    code = textwrap.dedent("""
        import switchboard
        print(switchboard.__file__)
        print(switchboard.version())
        r = switchboard.analyze_text("Hold on, I will send the form by tomorrow.")
        print(r["promises"][0]["time_statement"])
        print([f["pool"] for f in r["findings"]])
    """)
    out = run([python, "-c", code], env=env, cwd=WORK).splitlines()
    assert out == [os.path.join(package, "__init__.py"), VERSION, "by tomorrow", "['Client Hold Request']"]

    run([python, "-m", "pip", "uninstall", "-y", "switchboard"], env=env)
    assert not os.path.exists(package)
