#!/usr/bin/python3
"""Executes a notebook in a real Jupyter kernel (the .NET Interactive kernel by default) through nbclient, the way
Jupyter and VS Code run it, and records what the kernel sent.

    execute_in_kernel.py NOTEBOOK OUT_DIR [--quick] [--param NAME=CSHARP_EXPRESSION]... [--kernel NAME] [--timeout S]

Parameters are injected as the workbench's runner does (src/Workbench.Cli/Notebooks/NotebookParameters.cs): a code cell
tagged `injected-parameters`, right after the first code cell tagged `parameters`, assigning each value
(`--quick` is `quick = true;`). Unlike the runner, values are C# expressions as written (`--param preset='"tiny"'`).

Writes OUT_DIR/NAME.ipynb (the executed notebook, as nbclient leaves it) and OUT_DIR/NAME.messages.json: every
display_data, update_display_data, execute_result, stream and error message, in order, with the cell index, its
transient display_id and MIME types. The kernel starts in the notebook's folder (as Jupyter starts it). Exit code: 0
when every cell ran, 1 when a cell failed (outputs so far are written), 2 for bad arguments.

Used by tests/Workbench.Cli.Tests (RepositoryNotebooksTests); needs Debian's python3-nbclient and python3-jupyter-client
and a registered kernelspec (./environment/setup.sh installs and registers both).
"""
import argparse
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

RECORDED = ("display_data", "update_display_data", "execute_result", "stream", "error")


class RecordingClient(NotebookClient):
    """An nbclient that also keeps the output messages, which the notebook alone does not show (updates)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.messages = []
        self.cell_seconds = {}

    def process_message(self, msg, cell, cell_index):
        kind = msg["msg_type"]
        if kind in RECORDED:
            content = msg["content"]
            data = content.get("data", {})
            self.messages.append({
                "cell": cell_index,
                "type": kind,
                "display_id": content.get("transient", {}).get("display_id"),
                "mime_types": sorted(data),
                "text": (data.get("text/plain") or content.get("text") or content.get("evalue") or "")[:2000],
            })
        return super().process_message(msg, cell, cell_index)

    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        started = time.monotonic()
        try:
            return await super().async_execute_cell(cell, cell_index, *args, **kwargs)
        finally:
            self.cell_seconds[cell_index] = round(time.monotonic() - started, 3)


def inject_parameters(notebook, assignments):
    if not assignments:
        return
    index = next((i for i, c in enumerate(notebook.cells)
                  if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])), None)
    if index is None:
        raise SystemExit(f"{notebook_path}: has no code cell tagged 'parameters', so parameters cannot be injected.")
    source = "// Parameters injected by execute_in_kernel.py\n" + "".join(f"{n} = {v};\n" for n, v in assignments.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    notebook.cells.insert(index + 1, cell)


def main():
    global notebook_path
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook")
    parser.add_argument("out_dir")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--param", action="append", default=[])
    parser.add_argument("--kernel", default=None, help="kernelspec name (default: the notebook's, .net-csharp)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    args = parser.parse_args()
    notebook_path = os.path.abspath(args.notebook)

    assignments = {"quick": "true"} if args.quick else {}
    for p in args.param:
        name, eq, value = p.partition("=")
        if not eq or not name.isidentifier():
            parser.error(f"--param '{p}': expected NAME=CSHARP_EXPRESSION")
        assignments[name] = value

    notebook = nbformat.read(notebook_path, as_version=4)
    inject_parameters(notebook, assignments)
    kernel = args.kernel or notebook.metadata.get("kernelspec", {}).get("name") or ".net-csharp"
    client = RecordingClient(notebook, timeout=args.timeout, kernel_name=kernel, allow_errors=False,
                             resources={"metadata": {"path": os.path.dirname(notebook_path)}})
    started = time.monotonic()
    failed = None
    try:
        client.execute()
    except CellExecutionError as e:
        failed = str(e)[:4000]
    seconds = round(time.monotonic() - started, 3)

    os.makedirs(args.out_dir, exist_ok=True)
    name = os.path.splitext(os.path.basename(notebook_path))[0]
    nbformat.write(notebook, os.path.join(args.out_dir, name + ".ipynb"))
    with open(os.path.join(args.out_dir, name + ".messages.json"), "w", encoding="utf-8") as f:
        json.dump({"kernel": kernel, "seconds": seconds, "cell_seconds": client.cell_seconds,
                   "failed": failed, "messages": client.messages}, f, indent=1)
    print(f"{name}: {seconds:.1f} s in kernel {kernel}" + (f"; FAILED: {failed}" if failed else ""), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
