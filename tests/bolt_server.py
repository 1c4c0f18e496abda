"""Start a throw-away ArcadeDB server speaking Neo4j Bolt, for tests.

No Neo4j and no Docker are needed: the PyPI package ``arcadedb-embedded``
ships ArcadeDB's jars (including the Bolt plugin) *and* a JRE.  We do not use
its in-process (JPype) server API: the bundled ``java`` binary is launched as a
child process with the jar directory on the classpath, so the JVM never lives
in the pytest process and can always be killed.

Usage::

    from tests.bolt_server import BoltServer, server_available

    ok, why = server_available()
    if not ok:
        pytest.skip(why)
    with BoltServer() as srv:
        driver = neo4j.GraphDatabase.driver(srv.uri, auth=srv.auth)
        driver.execute_query("RETURN 1", database_=srv.database)

Everything lives in a temporary directory (server root, databases, config,
logs); it is removed on exit unless ``keep_dir=True``.  The server's
stdout/stderr go to ``<root>/server.log`` (see :meth:`BoltServer.log_tail`),
ArcadeDB's own log files to ``<root>/log/``.

Requirement: ``arcadedb-embedded==26.10.2.post1`` (plus ``neo4j`` 5/6 for the
readiness probe).
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

__all__ = ["BoltServer", "BoltServerError", "server_available", "find_free_port"]

BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"
MAIN_CLASS = "com.arcadedb.server.ArcadeDBServer"

# JVM flags taken from arcadedb_embedded.jvm._build_jvm_args (what server.sh
# also passes); the server starts without most of them, but they silence
# warnings and avoid reflective-access failures in engine internals.
_BASE_JVM_ARGS = [
    "--add-modules=jdk.incubator.vector",
    "--enable-native-access=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
    "--add-opens=java.base/java.nio.channels.spi=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "-Djava.awt.headless=true",
    "-Dfile.encoding=UTF8",
    "-Dpolyglot.engine.WarnInterpreterOnly=false",
    "-XX:+UseSerialGC",  # small test server: fewer GC threads, less RSS
]


class BoltServerError(RuntimeError):
    """The server could not be started (message includes the log tail)."""


# --------------------------------------------------------------------------
# discovery
# --------------------------------------------------------------------------


def _package_dir() -> Optional[Path]:
    """Directory of the installed ``arcadedb_embedded`` package, without
    importing it (importing pulls in JPype; we only need its files)."""
    try:
        spec = importlib.util.find_spec("arcadedb_embedded")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).resolve().parent


def _java_and_jars() -> tuple[Path, Path]:
    pkg = _package_dir()
    if pkg is None:
        raise BoltServerError(
            "arcadedb-embedded is not installed "
            "(pip install 'arcadedb-embedded==26.10.2.post1')"
        )
    jars = pkg / "jars"
    java = pkg / "jre" / "bin" / ("java.exe" if os.name == "nt" else "java")
    if not java.is_file():
        # A platform wheel without a bundled JRE: fall back to JAVA_HOME/PATH.
        home = os.environ.get("JAVA_HOME")
        cand = Path(home, "bin", "java") if home else None
        if cand is not None and cand.is_file():
            java = cand
        elif shutil.which("java"):
            java = Path(shutil.which("java"))  # type: ignore[arg-type]
        else:
            raise BoltServerError(f"no java binary: {java} missing and none on PATH")
    if not jars.is_dir():
        raise BoltServerError(f"arcadedb-embedded jar directory missing: {jars}")
    if not any(jars.glob("arcadedb-bolt-*.jar")):
        raise BoltServerError(f"Bolt plugin jar (arcadedb-bolt-*.jar) not in {jars}")
    if not any(jars.glob("arcadedb-server-*.jar")):
        raise BoltServerError(f"arcadedb-server-*.jar not in {jars}")
    return java, jars


def server_available() -> tuple[bool, str]:
    """Can a :class:`BoltServer` be started here?  ``(ok, message)``.

    Cheap: checks files only, does not start a JVM.  Use the message as the
    pytest skip reason.
    """
    try:
        java, jars = _java_and_jars()
    except BoltServerError as exc:
        return False, str(exc)
    if not os.access(java, os.X_OK):
        return False, f"java binary is not executable: {java}"
    if importlib.util.find_spec("neo4j") is None:
        return False, "the neo4j Python driver is not installed"
    try:
        from importlib.metadata import version

        ver = version("arcadedb-embedded")
    except Exception:  # pragma: no cover - metadata missing
        ver = "?"
    return True, f"arcadedb-embedded {ver} (java: {java})"


def find_free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """preexec_fn: SIGKILL the JVM if the test process dies (Linux only)."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except Exception:
        pass


# --------------------------------------------------------------------------
# the server
# --------------------------------------------------------------------------

_LIVE: "set[BoltServer]" = set()


@atexit.register
def _stop_leftovers() -> None:
    for srv in list(_LIVE):
        try:
            srv.stop()
        except Exception:
            pass


class BoltServer:
    """An ArcadeDB server with the Bolt plugin, in a child process.

    Attributes once started: ``uri`` (``bolt://127.0.0.1:PORT``), ``user``,
    ``password``, ``auth`` (tuple), ``database``, ``port``, ``http_port``,
    ``root`` (temp dir), ``pid``, ``startup_seconds``.
    """

    def __init__(
        self,
        database: str = "kamgraph",
        password: str = "kamgraph-test-pw",
        *,
        heap: str = "1g",
        startup_timeout: float = 60.0,
        root: Optional[os.PathLike] = None,
        keep_dir: bool = False,
        extra_jvm_args: Optional[list[str]] = None,
        extra_config: Optional[dict[str, str]] = None,
    ) -> None:
        if len(password) < 8:
            # ArcadeDB rejects short root passwords at first start.
            raise ValueError("ArcadeDB root password must be at least 8 characters")
        self.database = database
        self.user = "root"
        self.password = password
        self.heap = heap
        self.startup_timeout = startup_timeout
        self.keep_dir = keep_dir
        self.extra_jvm_args = list(extra_jvm_args or [])
        self.extra_config = dict(extra_config or {})
        self._given_root = Path(root) if root is not None else None
        self.root: Optional[Path] = None
        self.port: Optional[int] = None
        self.http_port: Optional[int] = None
        self.startup_seconds: Optional[float] = None
        self._proc: Optional[subprocess.Popen] = None
        self._log_fh = None

    # -- public properties -------------------------------------------------
    @property
    def uri(self) -> str:
        if self.port is None:
            raise BoltServerError("server not started")
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def auth(self) -> tuple[str, str]:
        return (self.user, self.password)

    @property
    def pid(self) -> Optional[int]:
        return self._proc.pid if self._proc else None

    @property
    def log_path(self) -> Path:
        assert self.root is not None
        return self.root / "server.log"

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except (OSError, AssertionError):
            return "<no server log>"
        return "\n".join(text.splitlines()[-lines:])

    def driver(self, **kwargs):
        """A new ``neo4j`` driver for this server (caller closes it)."""
        import neo4j

        return neo4j.GraphDatabase.driver(self.uri, auth=self.auth, **kwargs)

    # -- lifecycle -----------------------------------------------------------
    def __enter__(self) -> "BoltServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _command(self, java: Path, jars: Path) -> list[str]:
        assert self.root is not None
        cfg = {
            "arcadedb.server.rootPath": str(self.root),
            "arcadedb.server.rootPassword": self.password,
            "arcadedb.server.logsDirectory": str(self.root / "log"),
            "arcadedb.server.mode": "development",
            "arcadedb.server.plugins": BOLT_PLUGIN,
            # one database, created at startup if missing (root has access)
            "arcadedb.server.defaultDatabases": f"{self.database}[root]",
            "arcadedb.bolt.port": str(self.port),
            "arcadedb.bolt.host": "127.0.0.1",
            "arcadedb.bolt.defaultDatabase": self.database,
            # HTTP cannot be switched off; keep it on loopback on a free port
            "arcadedb.server.httpIncomingHost": "127.0.0.1",
            "arcadedb.server.httpIncomingPort": str(self.http_port),
            "arcadedb.server.httpsIncomingPort": str(find_free_port()),
            "arcadedb.serverMetrics": "false",
            "arcadedb.server.healthCheck.enabled": "false",
        }
        cfg.update(self.extra_config)
        args = [str(java), f"-Xmx{self.heap}"]
        args += [a for a in _BASE_JVM_ARGS if a]
        args.append(f"-XX:ErrorFile={self.root / 'log' / 'hs_err_pid%p.log'}")
        args += self.extra_jvm_args
        args += [f"-D{k}={v}" for k, v in cfg.items()]
        args += ["-cp", str(jars / "*"), MAIN_CLASS]
        return args

    def start(self) -> "BoltServer":
        if self._proc is not None:
            raise BoltServerError("already started")
        java, jars = _java_and_jars()
        if self._given_root is not None:
            self.root = self._given_root
            self.root.mkdir(parents=True, exist_ok=True)
        else:
            self.root = Path(tempfile.mkdtemp(prefix="arcadedb-bolt-"))
        (self.root / "log").mkdir(exist_ok=True)

        last_err: Optional[BaseException] = None
        for _attempt in range(3):  # retry only on a port race
            self.port = find_free_port()
            self.http_port = find_free_port()
            try:
                self._launch(java, jars)
                return self
            except _PortInUse as exc:
                last_err = exc
                self._kill()
        self._cleanup_dir()
        raise BoltServerError(f"could not bind a free port: {last_err}")

    def _launch(self, java: Path, jars: Path) -> None:
        t0 = time.monotonic()
        self._log_fh = open(self.log_path, "ab")
        kwargs: dict = {}
        if sys.platform.startswith("linux"):
            kwargs["preexec_fn"] = _die_with_parent
        self._proc = subprocess.Popen(
            self._command(java, jars),
            cwd=str(self.root),  # hs_err / relative paths land in the tmp dir
            stdin=subprocess.DEVNULL,
            stdout=self._log_fh,
            stderr=subprocess.STDOUT,
            **kwargs,
        )
        _LIVE.add(self)
        try:
            self._wait_ready(t0)
        except _PortInUse:
            raise
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - t0

    def _wait_ready(self, t0: float) -> None:
        import neo4j
        from neo4j.exceptions import ServiceUnavailable, Neo4jError, DriverError

        deadline = t0 + self.startup_timeout
        last: object = "no attempt yet"
        while time.monotonic() < deadline:
            assert self._proc is not None
            rc = self._proc.poll()
            if rc is not None:
                tail = self.log_tail()
                if "Address already in use" in tail or "BindException" in tail:
                    raise _PortInUse(tail.splitlines()[-1] if tail else "")
                raise BoltServerError(
                    f"ArcadeDB exited with code {rc} during startup "
                    f"(root {self.root}).\n--- server log tail ---\n{tail}"
                )
            # cheap TCP probe first, the driver only once something listens
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    pass
            except OSError as exc:
                last = exc
                time.sleep(0.2)
                continue
            try:
                drv = neo4j.GraphDatabase.driver(
                    self.uri, auth=self.auth, connection_timeout=5
                )
                try:
                    recs, _, _ = drv.execute_query(
                        "RETURN 1 AS ok", database_=self.database
                    )
                    if recs and recs[0]["ok"] == 1:
                        return
                    last = f"unexpected probe result {recs!r}"
                finally:
                    drv.close()
            except (ServiceUnavailable, Neo4jError, DriverError, OSError) as exc:
                last = exc  # e.g. database not created yet
            time.sleep(0.3)
        raise BoltServerError(
            f"ArcadeDB Bolt endpoint {self.uri} not ready after "
            f"{self.startup_timeout:.0f}s (last error: {last!r}; root {self.root})."
            f"\n--- server log tail ---\n{self.log_tail()}"
        )

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # JVM shutdown hook -> clean stop
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        if self._log_fh is not None:
            self._log_fh.close()
            self._log_fh = None
        _LIVE.discard(self)

    def _cleanup_dir(self) -> None:
        if self.root is not None and not self.keep_dir and self._given_root is None:
            shutil.rmtree(self.root, ignore_errors=True)

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 30 s) and remove the
        temp dir (unless ``keep_dir`` or a caller-supplied ``root``)."""
        self._kill()
        self._cleanup_dir()


class _PortInUse(Exception):
    pass


if __name__ == "__main__":  # manual check: python tests/bolt_server.py
    print(server_available())
    with BoltServer(keep_dir=True) as s:
        print(s.uri, s.auth, s.database, f"started in {s.startup_seconds:.2f}s", s.root)
