"""A live server for the tests: the one named by TO_BASE_URL and TO_API_KEY (the repository's
vitest suite starts one on PGlite or PostgreSQL and passes it in, see test/python-sdk.test.ts), or,
run by hand, `npm start` from the repository on a free port with an in-memory database."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest
import requests

REPO = Path(__file__).resolve().parents[3]


class Server:
    def __init__(self, base_url: str, api_key: str) -> None:
        self.base_url = base_url
        self.api_key = api_key

    def portal(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """A portal call with the live API key (creating products and licenses for a test)."""
        r = requests.request(
            method,
            self.base_url + path,
            json=body,
            headers={"Authorization": f"Bearer {self.api_key}"},
            timeout=30,
        )
        assert r.status_code < 300, f"{method} {path}: HTTP {r.status_code} {r.text}"
        return r.json()

    def license(self, **fields: Any) -> Dict[str, Any]:
        """A fresh product and a license for it (REST names: max_activations, type, …)."""
        product = self.portal("POST", "/api/v1/products", {"name": f"Python {uuid.uuid4().hex[:6]}"})["product"]
        body = {"product_id": product["id"], "type": "perpetual", **fields}
        return self.portal("POST", "/api/v1/licenses", body)["license"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_npm() -> Iterator[Server]:
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "DATA_DIR": "memory://", "LOG_LEVEL": "warn"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    proc = subprocess.Popen(
        ["npm", "start", "--silent"], cwd=REPO, env=env, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    keys: "queue.Queue[str]" = queue.Queue()

    def drain() -> None:
        # Reads everything the server prints (so its pipe never fills) and picks out the live key
        # of the first-start banner.
        assert proc.stdout is not None
        for line in proc.stdout:
            m = re.search(r"live API key\s+(to_live_\w+)", line)
            if m:
                keys.put(m.group(1))

    threading.Thread(target=drain, daemon=True).start()
    base_url = f"http://127.0.0.1:{port}"
    try:
        key = keys.get(timeout=120)
        deadline = time.time() + 60
        while True:
            try:
                if requests.get(base_url + "/api/v1/ready", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.time() < deadline, "npm start did not become ready"
            time.sleep(0.2)
        yield Server(base_url, key)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    base_url, api_key = os.environ.get("TO_BASE_URL"), os.environ.get("TO_API_KEY")
    if base_url and api_key:
        yield Server(base_url, api_key)
    else:
        yield from _start_npm()


@pytest.fixture
def closed_port_url() -> str:
    """A URL where nothing listens."""
    return f"http://127.0.0.1:{_free_port()}"
