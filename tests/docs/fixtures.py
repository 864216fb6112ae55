"""The files every example finds in its working directory.

The recordings are those of tests/cli (its conftest.py plants voices,
silences, overlaps and a noise burst at known times), so the outputs the
docs show are those of known calls:

    call.wav     16 s, 8 kHz, two channels (agent, client): the call of docs/cli.md's timeline
    agent.wav    the same call's agent side, 8 kHz mono, 16 s
    client.wav   its client side, 16 kHz mono, 15 s
    app.c        a small C program, for the build commands of docs/c-api.md
"""

import importlib.util
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))

APP_C = """\
#include <stdio.h>
#include <switchboard.h>

int main(void) {
    printf("switchboard %s\\n", sb_version());
    return 0;
}
"""


def _cli_signals():
    path = os.path.join(HERE, "..", "cli", "conftest.py")
    spec = importlib.util.spec_from_file_location("switchboard_cli_signals", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make(directory):
    """Writes the fixtures into `directory` (once) and returns it."""
    os.makedirs(directory, exist_ok=True)
    done = os.path.join(directory, ".done")
    if os.path.exists(done):
        return directory
    s = _cli_signals()
    rate = 8000
    s.write_wav(os.path.join(directory, "call.wav"), [s.agent_track(rate), s.client_track(rate)], rate)
    s.write_wav(os.path.join(directory, "agent.wav"), [s.agent_track(s.PAIR_AGENT_RATE)], s.PAIR_AGENT_RATE)
    s.write_wav(os.path.join(directory, "client.wav"),
                [s.client_track(s.PAIR_CLIENT_RATE, s.PAIR_CLIENT_SECONDS)], s.PAIR_CLIENT_RATE)
    with open(os.path.join(directory, "app.c"), "w") as f:
        f.write(APP_C)
    open(done, "w").close()
    return directory


def populate(fixture_dir, work_dir):
    """A fresh working directory holding a copy of each fixture."""
    os.makedirs(work_dir, exist_ok=True)
    for name in os.listdir(fixture_dir):
        if not name.startswith("."):
            shutil.copy(os.path.join(fixture_dir, name), os.path.join(work_dir, name))
    return work_dir
