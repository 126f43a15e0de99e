"""Demo content for `flask seed-demo`: data files in cop/demo/data/ and cop/demo/practices/, loaded through
the real services by the small modules beside this one."""

from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data"


def read_data(name: str):
    """The parsed contents of cop/demo/data/<name>.yaml; `safe_load` builds plain values only, never objects."""
    return yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))
