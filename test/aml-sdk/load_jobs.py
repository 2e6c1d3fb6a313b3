"""Ask the official Azure ML SDK (azure-ai-ml) whether job YAML files are acceptable.

Used by lib/aml/sdk-differential.sdk.test.ts. For each file: `azure.ai.ml.load_job`, then the checks the SDK
runs before sending a job (`_to_job()` for command nodes, `_to_rest_object()`, which validates input
references in the command and key names). Prints one JSON document on stdout:

  {"sdk_version": "...", "results": [{"file": ..., "accepted": bool, "error": str|null, "paths": [dotted field paths]}]}

Field paths come from marshmallow's structured messages (re-running the job schema on the same data), so
the test can check that Harbormaster's refusal names the same field. One process handles every file.

Usage: python load_jobs.py <file-with-one-path-per-line>
"""

import json
import logging
import sys
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)

import yaml  # noqa: E402
from marshmallow import ValidationError  # noqa: E402

import azure.ai.ml  # noqa: E402
from azure.ai.ml import load_job  # noqa: E402
from azure.ai.ml.constants._common import BASE_PATH_CONTEXT_KEY  # noqa: E402
from azure.ai.ml.entities._builders import BaseNode  # noqa: E402

# marshmallow Dict fields report errors as {<key>: {"key": [...]} | {"value": ...}}: those two segments are
# markers, not field names.
DICT_FIELDS = {"inputs", "outputs", "tags", "properties", "search_space", "environment_variables"}


def flatten(messages, prefix=(), dict_fields=DICT_FIELDS):
    out = set()
    if isinstance(messages, dict):
        for key, value in messages.items():
            key = str(key)
            if key == "_schema":
                out |= flatten(value, prefix, dict_fields)
            elif key in ("value", "key") and len(prefix) >= 2 and prefix[-2] in dict_fields:
                out |= flatten(value, prefix, dict_fields)
            else:
                out |= flatten(value, prefix + (key,), dict_fields)
    elif isinstance(messages, list):
        leaf = False
        for item in messages:
            if isinstance(item, (dict, list)):
                out |= flatten(item, prefix, dict_fields)
            else:
                leaf = True
        if leaf:
            out.add(".".join(prefix))
    else:
        out.add(".".join(prefix))
    return out


def marshmallow_paths(path: Path, schema_for, dict_fields=DICT_FIELDS):
    """Field paths of a marshmallow refusal: the schema schema_for(data) picks, run again on the same data."""
    try:
        data = yaml.safe_load(path.read_text())
        schema_for(data)(context={BASE_PATH_CONTEXT_KEY: path.parent}).load(data)
    except ValidationError as e:
        return sorted(p for p in flatten(e.messages, dict_fields=dict_fields) if p)
    except Exception:  # noqa: BLE001 - only a hint for the test
        return []
    return []


def verdict(path: Path, load, paths_of):
    """The SDK's verdict on one file: load(path) raising is a refusal; paths_of(path) names the fields."""
    try:
        load(path)
        return {"file": str(path), "accepted": True, "error": None, "paths": []}
    except ValidationError as e:
        return {"file": str(path), "accepted": False, "error": str(e)[:4000], "paths": paths_of(path)}
    except Exception as e:  # noqa: BLE001 - any refusal counts
        return {"file": str(path), "accepted": False, "error": f"{type(e).__name__}: {e}"[:4000], "paths": []}


def job_schema(data):
    from azure.ai.ml._schema._sweep.sweep_job import SweepJobSchema
    from azure.ai.ml._schema.job.command_job import CommandJobSchema

    return SweepJobSchema if isinstance(data, dict) and data.get("type") == "sweep" else CommandJobSchema


def load_checked_job(path: Path):
    job = load_job(str(path))
    if isinstance(job, BaseNode):
        job = job._to_job()
    job._to_rest_object()


def check(path: Path):
    return verdict(path, load_checked_job, lambda p: marshmallow_paths(p, job_schema))


def main(check_file=check):
    files = [Path(line.strip()) for line in Path(sys.argv[1]).read_text().splitlines() if line.strip()]
    results = [check_file(f) for f in files]
    json.dump({"sdk_version": azure.ai.ml.__version__, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
