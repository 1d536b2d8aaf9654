"""Reads the reviewed data files shipped in `herbs/data/` (YAML) into plain mappings."""

from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def read_yaml_folder(folder: str, data_dir: Path = DATA_DIR) -> dict[str, dict]:
    """{file name: parsed mapping} for every YAML file in `data_dir/folder`, sorted by name."""
    return {
        path.name: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((data_dir / folder).glob("*.yaml"))
    }


def read_yaml_file(name: str, data_dir: Path = DATA_DIR) -> dict:
    return yaml.safe_load((data_dir / name).read_text(encoding="utf-8"))
