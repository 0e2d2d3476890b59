#!/usr/bin/env python3
"""Writes the notebooks in cases/ (valid ones and ones broken in one way each) and Jupyter's verdict on each in
verdicts.json, and checks that nbformat.v4.5.schema.json beside this script is the schema the installed nbformat uses.

NbformatSchemaTests runs the tests' own validator (Workbench.TestSupport's JsonSchemaValidator with
nbformat.v4.5.schema.json, plus nbformat's cell-id uniqueness check) on every case and must agree with these
verdicts, so the tests that validate executed notebooks need no Python. Each verdict is given by nbformat.validate
(version 4.5, nothing repaired) with both of its validators, jsonschema and fastjsonschema; they must agree.

To regenerate (Debian/Ubuntu: apt-get install python3-nbformat):
    /usr/bin/python3 make_verdicts.py
"""
import copy
import json
import os
import shutil
import warnings

import nbformat
from nbformat.validator import ValidationError, validate

here = os.path.dirname(os.path.abspath(__file__))
installed = os.path.join(os.path.dirname(nbformat.__file__), "v4", "nbformat.v4.5.schema.json")
with open(installed, "rb") as a, open(os.path.join(here, "nbformat.v4.5.schema.json"), "rb") as b:
    assert a.read() == b.read(), f"{installed} differs from the committed schema: copy it here and review the change"

BASE = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {
        "kernelspec": {"name": ".net-csharp", "display_name": ".NET (C#)", "language": "C#"},
        "language_info": {"name": "C#", "file_extension": ".cs", "mimetype": "text/x-csharp", "pygments_lexer": "csharp", "version": "13.0"},
        "polyglot_notebook": {"kernelInfo": {"defaultKernelName": "csharp", "items": [{"name": "csharp"}]}},
        "workbench": {"parameters": {"quick": True}},
    },
    "cells": [
        {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": ["# Title\n", "Some *text*."]},
        {"cell_type": "code", "id": "params", "metadata": {"tags": ["parameters"], "polyglot_notebook": {"kernelName": "csharp"}},
         "execution_count": 1, "source": "var quick = false;", "outputs": []},
        {"cell_type": "code", "id": "work-1", "metadata": {"execution": {"iopub.status.busy": "2025-01-01T00:00:00Z"}},
         "execution_count": 2, "source": ["Console.WriteLine(1);\n", "2 + 2"],
         "outputs": [
             {"output_type": "stream", "name": "stdout", "text": ["1\n"]},
             {"output_type": "display_data", "metadata": {},
              "data": {"text/html": "<div class=\"workbench-chart\"></div>", "text/plain": ["chart"],
                       "application/vnd.plotly.v1+json": {"data": [], "layout": {}}, "image/png": "iVBORw0KGgo="}},
             {"output_type": "execute_result", "execution_count": 2, "metadata": {}, "data": {"text/plain": "4"}},
         ]},
        {"cell_type": "code", "id": "failed", "metadata": {}, "execution_count": 3, "source": "throw new Exception(\"x\");",
         "outputs": [{"output_type": "error", "ename": "Exception", "evalue": "x", "traceback": ["Exception: x", "  at cell 4"]}]},
        {"cell_type": "code", "id": "not-run", "metadata": {}, "execution_count": None, "source": "", "outputs": []},
        {"cell_type": "raw", "id": "raw_1", "metadata": {"format": "text/plain"}, "source": "raw"},
    ],
}


def mutate(change):
    nb = copy.deepcopy(BASE)
    change(nb)
    return nb


def cell(nb, i):
    return nb["cells"][i]


CASES = {
    # valid
    "valid-typical": BASE,
    "valid-no-cells": mutate(lambda nb: nb.update(cells=[])),
    "valid-empty-metadata": mutate(lambda nb: nb.update(metadata={})),
    "valid-markdown-attachments": mutate(lambda nb: cell(nb, 0).update(attachments={"a.png": {"image/png": "iVBORw0KGgo="}})),
    "valid-stream-text-string": mutate(lambda nb: cell(nb, 2)["outputs"][0].update(text="1\n")),
    "valid-json-mimetype-any-value": mutate(lambda nb: cell(nb, 2)["outputs"][1]["data"].update({"application/json": [1, 2]})),
    "valid-scrolled-auto": mutate(lambda nb: cell(nb, 2)["metadata"].update(scrolled="auto")),
    "valid-stream-any-name": mutate(lambda nb: cell(nb, 2)["outputs"][0].update(name="stdlog")),
    "valid-output-metadata": mutate(lambda nb: cell(nb, 2)["outputs"][1].update(metadata={"image/png": {"width": 10}})),
    # invalid: the schema
    "invalid-extra-top-level-key": mutate(lambda nb: nb.update(extra=1)),
    "invalid-missing-metadata": mutate(lambda nb: nb.pop("metadata")),
    "invalid-nbformat-5": mutate(lambda nb: nb.update(nbformat=5)),
    "invalid-kernelspec-without-display-name": mutate(lambda nb: nb["metadata"]["kernelspec"].pop("display_name")),
    "invalid-cell-without-id": mutate(lambda nb: cell(nb, 1).pop("id")),
    "invalid-cell-id-with-space": mutate(lambda nb: cell(nb, 1).update(id="a b")),
    "invalid-cell-id-too-long": mutate(lambda nb: cell(nb, 1).update(id="x" * 65)),
    "invalid-cell-id-empty": mutate(lambda nb: cell(nb, 1).update(id="")),
    "invalid-unknown-cell-type": mutate(lambda nb: cell(nb, 0).update(cell_type="banana")),
    "invalid-markdown-with-outputs": mutate(lambda nb: cell(nb, 0).update(outputs=[])),
    "invalid-code-without-outputs": mutate(lambda nb: cell(nb, 1).pop("outputs")),
    "invalid-code-without-execution-count": mutate(lambda nb: cell(nb, 1).pop("execution_count")),
    "invalid-execution-count-negative": mutate(lambda nb: cell(nb, 1).update(execution_count=-1)),
    "invalid-execution-count-fraction": mutate(lambda nb: cell(nb, 1).update(execution_count=1.5)),
    "invalid-execution-count-written-as-float": mutate(lambda nb: cell(nb, 1).update(execution_count=1.0)),
    "invalid-execution-count-string": mutate(lambda nb: cell(nb, 1).update(execution_count="1")),
    "invalid-execution-count-boolean": mutate(lambda nb: cell(nb, 1).update(execution_count=True)),
    "invalid-source-number-in-list": mutate(lambda nb: cell(nb, 2).update(source=["a", 1])),
    "invalid-source-object": mutate(lambda nb: cell(nb, 2).update(source={"text": "a"})),
    "invalid-tags-not-unique": mutate(lambda nb: cell(nb, 1)["metadata"].update(tags=["parameters", "parameters"])),
    "invalid-tag-with-comma": mutate(lambda nb: cell(nb, 1)["metadata"].update(tags=["a,b"])),
    "invalid-cell-name-empty": mutate(lambda nb: cell(nb, 1)["metadata"].update(name="")),
    "invalid-collapsed-not-boolean": mutate(lambda nb: cell(nb, 2)["metadata"].update(collapsed="yes")),
    "invalid-scrolled-other-string": mutate(lambda nb: cell(nb, 2)["metadata"].update(scrolled="sometimes")),
    "invalid-execution-timing-not-string": mutate(lambda nb: cell(nb, 2)["metadata"]["execution"].update({"shell.execute_reply": 5})),
    "invalid-unknown-output-type": mutate(lambda nb: cell(nb, 2)["outputs"][0].update(output_type="banana")),
    "invalid-stream-name-number": mutate(lambda nb: cell(nb, 2)["outputs"][0].update(name=1)),
    "invalid-stream-text-number": mutate(lambda nb: cell(nb, 2)["outputs"][0].update(text=5)),
    "invalid-stream-extra-key": mutate(lambda nb: cell(nb, 2)["outputs"][0].update(metadata={})),
    "invalid-mimebundle-value-number": mutate(lambda nb: cell(nb, 2)["outputs"][1]["data"].update({"text/plain": 5})),
    "invalid-display-data-without-metadata": mutate(lambda nb: cell(nb, 2)["outputs"][1].pop("metadata")),
    "invalid-display-data-with-execution-count": mutate(lambda nb: cell(nb, 2)["outputs"][1].update(execution_count=2)),
    "invalid-execute-result-without-execution-count": mutate(lambda nb: cell(nb, 2)["outputs"][2].pop("execution_count")),
    "invalid-error-without-traceback": mutate(lambda nb: cell(nb, 3)["outputs"][0].pop("traceback")),
    "invalid-error-traceback-string": mutate(lambda nb: cell(nb, 3)["outputs"][0].update(traceback="Exception: x")),
    "invalid-attachment-not-mimebundle": mutate(lambda nb: cell(nb, 0).update(attachments={"a.png": "iVBORw0KGgo="})),
    "invalid-raw-with-execution-count": mutate(lambda nb: cell(nb, 5).update(execution_count=1)),
    # invalid: nbformat's own check beyond the schema
    "invalid-duplicate-cell-ids": mutate(lambda nb: cell(nb, 2).update(id="params")),
}


def verdict(nb, validator):
    os.environ["NBFORMAT_VALIDATOR"] = validator
    nbformat.validator.validators.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            validate(copy.deepcopy(nb), version=4, version_minor=5, repair_duplicate_cell_ids=False)
            return None
        except ValidationError as e:
            return e.message.splitlines()[0]


cases = os.path.join(here, "cases")
shutil.rmtree(cases, ignore_errors=True)
os.makedirs(cases)
verdicts = {}
for name, nb in CASES.items():
    by_jsonschema, by_fast = verdict(nb, "jsonschema"), verdict(nb, "fastjsonschema")
    assert (by_jsonschema is None) == (by_fast is None), f"{name}: jsonschema says {by_jsonschema!r}, fastjsonschema {by_fast!r}"
    assert (by_jsonschema is None) == name.startswith("valid-"), f"{name}: nbformat says {by_jsonschema!r}"
    with open(os.path.join(cases, name + ".ipynb"), "w", encoding="utf-8") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")
    verdicts[name] = {"valid": by_jsonschema is None, "jsonschema": by_jsonschema, "fastjsonschema": by_fast}
with open(os.path.join(here, "verdicts.json"), "w", encoding="utf-8") as f:
    json.dump({"nbformat": nbformat.__version__, "verdicts": verdicts}, f, indent=1, sort_keys=True)
    f.write("\n")
print(f"nbformat {nbformat.__version__}: {sum(v['valid'] for v in verdicts.values())} valid and "
      f"{sum(not v['valid'] for v in verdicts.values())} invalid notebooks written to {cases}")
