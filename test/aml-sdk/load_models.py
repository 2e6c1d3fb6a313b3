"""Ask the official Azure ML SDK (azure-ai-ml) whether model YAML files are acceptable.

Used by lib/aml/model-sdk-differential.sdk.test.ts. For each file: `azure.ai.ml.load_model`, then what
`ModelOperations.create_or_update` checks locally before it uploads or sends anything —
`validate_ml_flow_folder(model.path, model.type)` (an mlflow_model must be a folder; it also fails, with an
AttributeError, when the file gives no path) — and `_to_rest_object()`. Prints the same JSON document as
load_jobs.py, with field paths from the model schema's structured marshmallow messages.

Usage: python load_models.py <file-with-one-path-per-line>
"""

from pathlib import Path

# First: the same folder (on sys.path as the script's own); it silences the SDK's warnings and logging.
from load_jobs import main, marshmallow_paths, verdict

from azure.ai.ml import load_model  # noqa: E402
from azure.ai.ml._schema.assets.model import ModelSchema  # noqa: E402
from azure.ai.ml._utils.utils import validate_ml_flow_folder  # noqa: E402

# marshmallow Dict fields of ModelSchema: "key"/"value" below them are markers, not field names.
DICT_FIELDS = {"tags", "properties", "flavors", "system_metadata"}


def load_checked_model(path: Path):
    model = load_model(str(path))
    validate_ml_flow_folder(model.path, model.type)
    model._to_rest_object()


def check(path: Path):
    return verdict(path, load_checked_model, lambda p: marshmallow_paths(p, lambda _data: ModelSchema, DICT_FIELDS))


if __name__ == "__main__":
    main(check)
