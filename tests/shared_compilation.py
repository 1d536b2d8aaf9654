"""The suite makes a new app for every test (thousands a run), and a new app compiles again what
the last one compiled: Werkzeug turns each of its 176 URL rules into two Python functions, and
Jinja compiles each template it renders. That was two thirds of making an app and a fifth of the
suite's time. Apps made in one test process share both here, through Flask's and Jinja's own
extension points (`Flask.url_rule_class`, `jinja_options["bytecode_cache"]`); what an app does
with them is unchanged. A production process makes its app once and needs neither."""

import typing as t

from flask import Flask
from jinja2.bccache import Bucket, BytecodeCache
from werkzeug.routing import Rule


class SharedBuilderRule(Rule):
    """A rule whose URL-building functions come from the first rule of the same shape. Werkzeug
    generates them from the rule's parts and defaults only; the rule itself is their argument
    (they are bound to each rule by `Rule.compile`)."""

    _builders: t.ClassVar[dict[tuple, t.Callable]] = {}

    def _compile_builder(self, append_unknown: bool = True):
        defaults = tuple(sorted((key, repr(value)) for key, value in (self.defaults or {}).items()))
        key = (self.rule, tuple(self._trace), defaults, append_unknown)
        builder = self._builders.get(key)
        if builder is None:
            builder = self._builders[key] = super()._compile_builder(append_unknown)
        return builder


class InMemoryBytecodeCache(BytecodeCache):
    """Jinja's compiled templates, kept for the process (Jinja checks each against its source's
    checksum, so an edited template is compiled again)."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


def share_compilation_between_apps() -> None:
    Flask.url_rule_class = SharedBuilderRule
    Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": InMemoryBytecodeCache()}
