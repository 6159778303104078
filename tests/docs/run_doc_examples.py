#!/usr/bin/python3
"""Runs every shell and Python example of README.md and docs/ (its subfolders too) as written, in order, and fails on the first that fails.

The convention (also stated in README.md):
  * a fenced block opened with ```sh is an example to run; other fences (output, file layouts, formulas) are not;
  * so is a ```python block, run notebook-style: a page's Python blocks share one interpreter, in order, with the
    Python package's environment (BUILD_DIR/python-venv and the package in BUILD_DIR/python-package, which
    scripts/install-python.sh makes; without them the Python blocks are skipped, and fail under CI);
  * `<!-- not run: why -->` on the line before the fence skips the block (cloud commands, the set-up itself);
  * a line `vgsales serve ... &` starts the server in the background; the block waits until the model answers,
    and the server is stopped (SIGTERM) when the block ends, which must exit it with status 0;
  * a comment line starting with `# {` or `# [` is output the block must print, its numbers within 1 %.

Each block runs in its own `bash -eo pipefail`, in a scratch copy of the repository's data/ and proto/ with
../shared/data beside it (the reference data; without it the test is skipped), and with the build installed by
`cmake --install` into a scratch prefix first on the PATH, so `vgsales` is the program just built, installed the way
users install it.

Usage: run_doc_examples.py SOURCE_DIR BUILD_DIR [SHARED_DATA_DIR]
"""
import glob
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77  # CTest's SKIP_RETURN_CODE for this test
NOT_RUN = re.compile(r"^<!--\s*not run:\s*(.*?)\s*-->\s*$")
SERVE_IN_BACKGROUND = re.compile(r"^\s*(vgsales serve\b[^#]*?)\s*&\s*(#.*)?$")
EXPECTED_OUTPUT = re.compile(r"^\s*#\s*([\[{].*)$")
NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?"
BLOCK_TIMEOUT_SECONDS = 900
DEFAULT_PORT = 8501

PRELUDE = r"""
__vgsales_servers=()
__vgsales_wait_for_model() {  # PORT NAME: until GET /v1/models/NAME answers 200 (the model is loaded)
  for _ in $(seq 200); do
    curl -sf -o /dev/null "http://127.0.0.1:$1/v1/models/$2" && return 0
    kill -0 "${__vgsales_servers[-1]}" 2>/dev/null || { echo "the server exited before answering" >&2; return 1; }
    sleep 0.1
  done
  echo "no answer from the server on port $1 after 20 s" >&2
  return 1
}
__vgsales_stop_servers() {
  local status=$? pid code
  for pid in "${__vgsales_servers[@]}"; do
    kill -TERM "$pid" 2>/dev/null || continue
    code=0; wait "$pid" || code=$?
    if ((code != 0)); then echo "the background server exited with status $code on SIGTERM" >&2; status=1; fi
  done
  exit "$status"
}
trap __vgsales_stop_servers EXIT
"""


class Block:
    def __init__(self, path, line, text, skip_reason, language="sh"):
        self.path, self.line, self.text, self.skip_reason = path, line, text, skip_reason
        self.language = language

    def where(self):
        return f"{self.path}:{self.line}"


def read_blocks(path, relative_name):
    blocks, lines = [], open(path, encoding="utf-8").read().splitlines()
    i = 0
    while i < len(lines):
        fence = re.match(r"^(\s*)```(\S*)\s*$", lines[i])
        if not fence:
            i += 1
            continue
        language, start = fence.group(2), i
        i += 1
        body = []
        while i < len(lines) and not re.match(r"^\s*```\s*$", lines[i]):
            body.append(lines[i])
            i += 1
        i += 1
        if language not in ("sh", "python"):
            continue
        previous = next((lines[k] for k in range(start - 1, -1, -1) if lines[k].strip()), "")
        marker = NOT_RUN.match(previous.strip())
        blocks.append(Block(relative_name, start + 1, "\n".join(body) + "\n", marker.group(1) if marker else None,
                            language))
    return blocks


def free_port(preferred):
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
                return probe.getsockname()[1]
            except OSError:
                continue
    raise RuntimeError("no free port")


def script_for(block, port):
    """The block as a script: background servers registered and waited for, the port moved if 8501 is taken."""
    out = [PRELUDE]
    for line in block.text.splitlines():
        if port != DEFAULT_PORT:
            line = line.replace(str(DEFAULT_PORT), str(port))
        serve = SERVE_IN_BACKGROUND.match(line)
        if serve:
            command = serve.group(1)
            if "--port" not in command:
                command += f" --port {port}"
            name = re.search(r"--model_name[ =](\S+)", command)
            out.append(f"{command} &")
            out.append("__vgsales_servers+=($!)")
            out.append(f"__vgsales_wait_for_model {port} {name.group(1) if name else 'model'}")
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def expected_outputs(block):
    return [m.group(1).strip() for m in map(EXPECTED_OUTPUT.match, block.text.splitlines()) if m]


def printed(expected, output):
    """Whether `output` holds `expected` (spacing aside), with every number in it within 1 %."""
    parts = re.split(f"({NUMBER})", re.sub(r"\s+", "", expected))
    pattern = "".join(f"({NUMBER})" if index % 2 else re.escape(part) for index, part in enumerate(parts))
    wanted = [float(n) for n in parts[1::2]]
    for match in re.finditer(pattern, re.sub(r"\s+", "", output)):
        got = [float(n) for n in match.groups()]
        if all(abs(g - w) <= 0.01 * max(abs(w), 1e-9) for g, w in zip(got, wanted)):
            return True
    return False


# The interpreter behind a page's Python blocks: it runs each block file named on stdin in one namespace, as a
# notebook's cells share one kernel, and ends each block's output with a line giving its status.
PYTHON_SESSION = r"""
import sys, traceback
namespace = {"__name__": "__main__"}
for line in sys.stdin:
    status = 0
    try:
        exec(compile(open(line.strip()).read(), line.strip(), "exec"), namespace)
    except SystemExit as stop:
        status = 0 if stop.code in (None, 0) else 1
    except BaseException:
        traceback.print_exc()
        status = 1
    sys.stderr.flush()
    print("\n@@vgsales-block-done", status, flush=True)
"""


class PythonSession:
    """One page's Python interpreter, started at its first Python block."""

    def __init__(self, python, cwd, env):
        self.process = subprocess.Popen([python, "-u", "-c", PYTHON_SESSION], cwd=cwd, env=env, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def run(self, path):
        """The block's output and its status (1 when the interpreter died)."""
        self.process.stdin.write(path + "\n")
        self.process.stdin.flush()
        output = []
        for line in self.process.stdout:
            if line.startswith("@@vgsales-block-done"):
                return "".join(output), int(line.split()[1])
            output.append(line)
        return "".join(output), 1

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=60)


def python_environment(build, env):
    """The Python package's interpreter and environment, or None (with why) when scripts/install-python.sh has not
    made them."""
    python = os.path.join(build, "python-venv", "bin", "python")
    package = os.path.join(build, "python-package")
    if not (os.access(python, os.X_OK) and os.path.isdir(os.path.join(package, "vgsales"))):
        return None, f"no Python package environment in {build} (scripts/install-python.sh)"
    python_env = dict(env, PYTHONPATH=package, PYTHONDONTWRITEBYTECODE="1")
    return (python, python_env), None


def main():
    source, build = sys.argv[1], sys.argv[2]
    shared = sys.argv[3] if len(sys.argv) > 3 else os.path.join(source, "..", "shared", "data")
    if not os.path.exists(os.path.join(shared, "sales_data_training.csv")):
        print(f"reference data {shared} is absent; skipping the documentation examples")
        return SKIP

    documents = ["README.md"] + sorted(os.path.relpath(p, source)
                                       for p in glob.glob(os.path.join(source, "docs", "**", "*.md"), recursive=True))
    blocks = [b for name in documents for b in read_blocks(os.path.join(source, name), name)]
    runnable = [b for b in blocks if b.skip_reason is None]
    print(f"{len(blocks)} sh and python examples in {len(documents)} documents; {len(runnable)} to run")
    for block in blocks:
        if block.skip_reason is not None:
            print(f"  not run: {block.where()}: {block.skip_reason}")

    scratch = tempfile.mkdtemp(prefix="vgsales-doc-examples-")
    try:
        project = os.path.join(scratch, "vgsales")
        for folder in ("data", "proto"):
            shutil.copytree(os.path.join(source, folder), os.path.join(project, folder))
        os.makedirs(os.path.join(scratch, "shared"))
        os.symlink(os.path.abspath(shared), os.path.join(scratch, "shared", "data"))
        prefix = os.path.join(scratch, "prefix")
        subprocess.run(["cmake", "--install", build, "--prefix", prefix], check=True, stdout=subprocess.DEVNULL)
        env = dict(os.environ)
        env["PATH"] = os.path.join(prefix, "bin") + os.pathsep + env["PATH"]
        env.pop("VGSALES_TORCHSCRIPT_PLUGIN", None)
        port = free_port(DEFAULT_PORT)
        if port != DEFAULT_PORT:
            print(f"port {DEFAULT_PORT} is taken on this machine; the examples use {port} instead")
        python, no_python = python_environment(build, env)
        if no_python and any(b.language == "python" for b in runnable):
            if os.environ.get("CI"):
                print(f"FAIL: {no_python}: CI makes it, so the Python examples must run")
                return 1
            print(f"skipping the Python examples: {no_python}")
            runnable = [b for b in runnable if b.language != "python"]
        sessions = {}

        for number, block in enumerate(runnable, 1):
            print(f"\n=== {block.where()} ===\n{block.text.rstrip()}\n--- output ---", flush=True)
            started = time.monotonic()
            if block.language == "python":
                script = os.path.join(scratch, f"example-{number}.py")
                with open(script, "w") as f:
                    f.write(block.text)
                if block.path not in sessions:
                    sessions[block.path] = PythonSession(python[0], project, python[1])
                output, status = sessions[block.path].run(script)
                result = subprocess.CompletedProcess(script, status, output)
            else:
                script = os.path.join(scratch, f"example-{number}.sh")
                with open(script, "w") as f:
                    f.write(script_for(block, port))
                try:
                    result = subprocess.run(["bash", "-eo", "pipefail", script], cwd=project, env=env, text=True,
                                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                            timeout=BLOCK_TIMEOUT_SECONDS)
                except subprocess.TimeoutExpired:
                    print(f"FAIL: {block.where()}: still running after {BLOCK_TIMEOUT_SECONDS} s")
                    return 1
            print(result.stdout.rstrip())
            print(f"--- exit {result.returncode} in {time.monotonic() - started:.1f} s ---")
            if result.returncode != 0:
                print(f"FAIL: {block.where()}: exit status {result.returncode}")
                return 1
            for expected in expected_outputs(block):
                if not printed(expected, result.stdout):
                    print(f"FAIL: {block.where()}: the block did not print {expected} (numbers to 1 %)")
                    return 1
                print(f"ok: printed {expected}")
        for session in sessions.values():
            session.close()
        print(f"\nall {len(runnable)} examples ran as written")
        return 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
