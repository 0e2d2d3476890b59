#!/usr/bin/env python3
"""Writes manifests in cases/ (valid ones and ones broken in one way each, derived from two shipped manifests) and the
verdict of Python's reference JSON Schema validator (jsonschema, draft 2020-12) on each against
data-manifests/schema.json in verdicts.json.

ManifestSchemaTests runs the tests' own validator (Workbench.TestSupport's JsonSchemaValidator) on every case and must
agree, so the tests that check the shipped manifests against the schema need no Python.

To regenerate (Debian/Ubuntu: apt-get install python3-jsonschema), e.g. after changing the schema:
    /usr/bin/python3 make_verdicts.py
"""
import copy
import importlib.metadata
import json
import os
import shutil

import jsonschema

here = os.path.dirname(os.path.abspath(__file__))
manifests = os.path.normpath(os.path.join(here, "..", "..", "..", "..", "..", "data-manifests"))
schema = json.load(open(os.path.join(manifests, "schema.json")))
validator_class = jsonschema.validators.validator_for(schema)
assert validator_class is jsonschema.Draft202012Validator, validator_class
validator = validator_class(schema)
VERSION = importlib.metadata.version("jsonschema")
REAL = json.load(open(os.path.join(manifests, "demo-tdr-data.json")))
SYNTHETIC = json.load(open(os.path.join(manifests, "synthetic-tiny.json")))


def mutate(base, change):
    m = copy.deepcopy(base)
    change(m)
    return m


def file0(m):
    return m["files"][0]


CASES = {
    "valid-real": REAL,
    "valid-synthetic": SYNTHETIC,
    "valid-unknown-size-and-checksum": mutate(REAL, lambda m: file0(m).update(bytes=None, sha256=None, url=None)),
    "valid-bytes-written-as-float": mutate(REAL, lambda m: file0(m).update(bytes=1026445952.0)),
    "valid-nested-path": mutate(REAL, lambda m: file0(m).update(path="a/b..c/d.h5")),
    "valid-no-cells-no-layout": mutate(REAL, lambda m: (m.pop("cells"), m.pop("layout"))),
    "valid-cell-without-centres": mutate(REAL, lambda m: m["cells"]["15-10-07"].pop("centres")),
    "invalid-wrong-schema-id": mutate(REAL, lambda m: m.update(schema="other/1")),
    "invalid-missing-licence": mutate(REAL, lambda m: m.pop("licence")),
    "invalid-empty-title": mutate(REAL, lambda m: m.update(title="")),
    "invalid-extra-key": mutate(REAL, lambda m: m.update(extra=True)),
    "invalid-name-uppercase": mutate(REAL, lambda m: m.update(name="Demo")),
    "invalid-name-leading-dash": mutate(REAL, lambda m: m.update(name="-demo")),
    "invalid-source-kind": mutate(REAL, lambda m: m["sources"][0].update(kind="ftp")),
    "invalid-source-url-scheme": mutate(REAL, lambda m: m["sources"][0].update(url="ftp://x/y")),
    "invalid-source-extra-key": mutate(REAL, lambda m: m["sources"][0].update(note="x")),
    "invalid-no-files": mutate(REAL, lambda m: m.update(files=[])),
    "invalid-file-without-note": mutate(REAL, lambda m: file0(m).pop("note")),
    "invalid-absolute-path": mutate(REAL, lambda m: file0(m).update(path="/etc/passwd")),
    "invalid-parent-path": mutate(REAL, lambda m: file0(m).update(path="a/../../b.h5")),
    "invalid-dotdot-path": mutate(REAL, lambda m: file0(m).update(path="..")),
    "invalid-empty-path": mutate(REAL, lambda m: file0(m).update(path="")),
    "invalid-negative-bytes": mutate(REAL, lambda m: file0(m).update(bytes=-5)),
    "invalid-fractional-bytes": mutate(REAL, lambda m: file0(m).update(bytes=1.5)),
    "invalid-bytes-string": mutate(REAL, lambda m: file0(m).update(bytes="5")),
    "invalid-sha256-uppercase": mutate(REAL, lambda m: file0(m).update(sha256="A" * 64)),
    "invalid-sha256-short": mutate(REAL, lambda m: file0(m).update(sha256="a" * 63)),
    "invalid-cell-negative-index": mutate(REAL, lambda m: m["cells"]["15-10-07"]["indices"].append(-1)),
    "invalid-cell-without-indices": mutate(REAL, lambda m: m["cells"]["15-10-07"].pop("indices")),
    "invalid-centre-three-numbers": mutate(REAL, lambda m: m["cells"]["15-10-07"]["centres"].append([1, 2, 3])),
    "invalid-centre-string": mutate(REAL, lambda m: m["cells"]["15-10-07"]["centres"].append([1, "2"])),
    "invalid-layout-not-object": mutate(REAL, lambda m: m.update(layout=[])),
    "invalid-generated-preset": mutate(SYNTHETIC, lambda m: m["generated"].update(preset="huge")),
    "invalid-generated-without-seed": mutate(SYNTHETIC, lambda m: m["generated"].pop("seed")),
    "invalid-generated-seed-boolean": mutate(SYNTHETIC, lambda m: m["generated"].update(seed=True)),
}

cases = os.path.join(here, "cases")
shutil.rmtree(cases, ignore_errors=True)
os.makedirs(cases)
verdicts = {}
for name, manifest in CASES.items():
    errors = sorted(validator.iter_errors(manifest), key=lambda e: list(e.absolute_path))
    assert (not errors) == name.startswith("valid-"), f"{name}: jsonschema says {[e.message for e in errors]}"
    with open(os.path.join(cases, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    verdicts[name] = {"valid": not errors, "errors": [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]}
with open(os.path.join(here, "verdicts.json"), "w", encoding="utf-8") as f:
    json.dump({"jsonschema": VERSION, "verdicts": verdicts}, f, indent=1, sort_keys=True, ensure_ascii=False)
    f.write("\n")
print(f"jsonschema {VERSION}: {sum(v['valid'] for v in verdicts.values())} valid and "
      f"{sum(not v['valid'] for v in verdicts.values())} invalid manifests written to {cases}")
