"""generate_machine_id() is the TypeScript SDK's generateMachineId(): the same id on this machine."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess

from traffic_orchestrator import TrafficOrchestrator, generate_machine_id
from traffic_orchestrator.machine_id import MACHINE_ID_FILES

from conftest import REPO

NODE_SCRIPT = (
    "import { TrafficOrchestrator } from '@traffic-orchestrator/client';"
    "console.log(JSON.stringify([TrafficOrchestrator.generateMachineId(),"
    " TrafficOrchestrator.generateMachineId({ salt: 'my-app' })]));"
)


def _typescript_ids():
    """The TypeScript SDK's ids: from the suite that runs this (TO_EXPECTED_MACHINE_IDS), or from
    the built package under node."""
    given = os.environ.get("TO_EXPECTED_MACHINE_IDS")
    if given:
        return given.split(",")
    out = subprocess.run(
        ["node", "--input-type=module", "-e", NODE_SCRIPT], cwd=REPO, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_same_id_as_the_typescript_sdk():
    plain, salted = _typescript_ids()
    assert TrafficOrchestrator.generate_machine_id() == plain
    assert generate_machine_id() == plain
    assert TrafficOrchestrator.generate_machine_id(salt="my-app") == salted


def test_stable_hex_and_no_identifier_inside():
    a = generate_machine_id()
    assert re.fullmatch(r"[0-9a-f]{64}", a)
    assert generate_machine_id() == a
    assert generate_machine_id("other-app") != a
    assert socket.gethostname().lower() not in a
    for path in MACHINE_ID_FILES:
        try:
            with open(path, encoding="utf-8") as f:
                raw = f.read().strip().lower()
        except OSError:
            continue
        if raw:
            assert raw not in a
