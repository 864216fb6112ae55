"""Builds the extension module switchboard._switchboard with CMake, for `pip install .`.

The metadata is in pyproject.toml; this file only adds the CMake step. The
project is configured with the Python bindings alone (no tests, examples or
benchmarks), for the interpreter running pip, and the module CMake builds is
copied where setuptools puts extension modules. It needs what a CMake build
needs (scripts/install-deps.sh: cmake, a C++20 compiler, pybind11-dev and the
library's -dev packages).

Environment:
  SWITCHBOARD_CMAKE_ARGS       extra arguments for CMake's configure step
  CMAKE_BUILD_PARALLEL_LEVEL   parallel build jobs (default: the number of cores)
  SWITCHBOARD_CMAKE_BUILD_DIR  take the module from this CMake build directory,
                               where it has been built already (cmake --build DIR
                               --target _switchboard), instead of building one
"""

import glob
import os
import re
import shlex
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))


def project_version():
    with open(os.path.join(ROOT, "CMakeLists.txt"), encoding="utf-8") as f:
        m = re.search(r"project\(switchboard\s+VERSION\s+([0-9.]+)", f.read())
    if not m:
        sys.exit("setup.py: no project(switchboard VERSION ...) in CMakeLists.txt")
    return m.group(1)


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def run(self):
        for ext in self.extensions:
            self.build_cmake(ext)

    def build_cmake(self, ext):
        prebuilt = os.environ.get("SWITCHBOARD_CMAKE_BUILD_DIR")
        if prebuilt:
            build_dir = os.path.abspath(prebuilt)
        else:
            build_dir = os.path.abspath(os.path.join(self.build_temp, "cmake"))
            configure = [
                "cmake", "-S", ROOT, "-B", build_dir,
                "-DCMAKE_BUILD_TYPE=Release",
                "-DSWITCHBOARD_BUILD_PYTHON=ON",
                "-DSWITCHBOARD_BUILD_TESTS=OFF",
                "-DSWITCHBOARD_BUILD_EXAMPLES=OFF",
                "-DSWITCHBOARD_BUILD_BENCHMARKS=OFF",
                f"-DSWITCHBOARD_PYTHON_EXECUTABLE={sys.executable}",
            ] + shlex.split(os.environ.get("SWITCHBOARD_CMAKE_ARGS", ""))
            jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 1)
            self.announce(" ".join(configure), level=2)
            subprocess.run(configure, check=True)
            subprocess.run(["cmake", "--build", build_dir, "--target", "_switchboard", "-j", jobs], check=True)
        built = glob.glob(os.path.join(build_dir, "python", "switchboard", "_switchboard*.so"))
        if len(built) != 1:
            sys.exit(f"setup.py: expected one _switchboard module in {build_dir}/python/switchboard, found {built}")
        target = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(built[0], target)
        shutil.copymode(built[0], target)


setup(
    version=project_version(),
    # here rather than in pyproject.toml's [tool.setuptools], which Debian 12's
    # setuptools (66) calls beta
    packages=["switchboard"],
    package_dir={"switchboard": "bindings/python/switchboard"},
    package_data={"switchboard": ["*.pyi", "py.typed"]},
    zip_safe=False,
    ext_modules=[CMakeExtension("switchboard._switchboard")],
    cmdclass={"build_ext": CMakeBuild},
    # setuptools' own build directory inside CMake's usual one (build/),
    # not beside the build/python, build/examples ... CMake writes there.
    options={"build": {"build_base": os.path.join("build", "pip")}},
)
