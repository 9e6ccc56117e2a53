#!/usr/bin/env python3
"""Validates vgpu-probe's JSON documents against the schemas in schemas/ with the `jsonschema` package.

usage: validate_json.py FILE|DIR...      (a DIR: every *.json in it)

Each document names its schema (`"schema": "vgpukit.probe/2"` -> schemas/probe.schema.json, whose
`schema` property must be that exact constant, so a version bump needs a schema change). Exit 0 when
every document is valid; 1 with one line per invalid document (file, JSON path, reason); 2 when a
document names no known schema or is not JSON.
"""
import json
import os
import sys

import jsonschema

SCHEMAS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "schemas")


def inline_files(node, files):
    """`node` with each {"$ref": "other.schema.json"} replaced by that file's schema, so that a document
    which holds another (plan --compare holds two plans) is checked against the other's own schema,
    without a reference resolver (whose interface differs between jsonschema versions)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.endswith(".schema.json"):
            return inline_files(files[ref], files)
        return {key: inline_files(value, files) for key, value in node.items()}
    if isinstance(node, list):
        return [inline_files(value, files) for value in node]
    return node


def load_schemas():
    files = {}
    for name in sorted(os.listdir(SCHEMAS)):
        if name.endswith(".schema.json"):
            with open(os.path.join(SCHEMAS, name)) as f:
                files[name] = json.load(f)
    schemas = {}
    for name, schema in files.items():
        schema = inline_files(schema, files)
        jsonschema.Draft202012Validator.check_schema(schema)
        schemas[schema["properties"]["schema"]["const"]] = jsonschema.Draft202012Validator(schema)
    return schemas


def documents(paths):
    for path in paths:
        if os.path.isdir(path):
            for name in sorted(os.listdir(path)):
                if name.endswith(".json"):
                    yield os.path.join(path, name)
        else:
            yield path


def main(argv):
    schemas = load_schemas()
    invalid, unknown, checked = 0, 0, 0
    for path in documents(argv[1:]):
        try:
            with open(path) as f:
                doc = json.load(f)
            validator = schemas[doc["schema"]]
        except (ValueError, KeyError, TypeError) as e:
            print("%s: names no known schema (%s)" % (path, e))
            unknown += 1
            continue
        checked += 1
        for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
            where = "".join("[%r]" % p for p in error.absolute_path) or "(document)"
            print("%s: %s %s: %s" % (path, doc["schema"], where, error.message[:300]))
            invalid += 1
    print("validate_json: %d document(s), %d error(s), %d without a known schema" % (checked, invalid, unknown))
    return 2 if unknown else (1 if invalid else 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
