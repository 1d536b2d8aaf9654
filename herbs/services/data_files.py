"""Reads the reviewed data files shipped in `herbs/data/` (YAML) into plain mappings."""

from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# libyaml's parser when PyYAML was built with it (the wheels are): the same safe subset of YAML,
# about ten times faster than the pure-Python one on the rule and herb files.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str):
    return yaml.load(text, Loader=SAFE_LOADER)  # a safe loader: plain data, no Python objects


def read_yaml_folder(folder: str, data_dir: Path = DATA_DIR) -> dict[str, dict]:
    """{file name: parsed mapping} for every YAML file in `data_dir/folder`, sorted by name."""
    return {
        path.name: parse_yaml(path.read_text(encoding="utf-8"))
        for path in sorted((data_dir / folder).glob("*.yaml"))
    }


def read_yaml_file(name: str, data_dir: Path = DATA_DIR) -> dict:
    return parse_yaml((data_dir / name).read_text(encoding="utf-8"))
