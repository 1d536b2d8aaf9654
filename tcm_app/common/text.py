"""Text that can be stored: no NUL characters (PostgreSQL refuses them) and no lone surrogates
(they cannot be encoded as UTF-8). Pure: standard library only."""


def is_storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unstorable_paths(value, path: str = "") -> list[str]:
    """Dotted paths of every string (keys included) in a JSON-like value that is not storable."""
    if isinstance(value, str):
        return [] if is_storable(value) else [path or "body"]
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and not is_storable(key):
                found.append(path or "body")
            found += unstorable_paths(item, child)
        return found
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in unstorable_paths(item, f"{path}[{i}]")]
    return []
