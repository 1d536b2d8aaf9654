"""Each domain keeps its labels (<domain>/labels.py) and registers them with the core's table
(tcm_app/labels.py) when it is set up: after set-up the table holds every code of every domain,
a code means one thing, and a form built before registration still shows the label."""

from importlib import import_module

import pytest
from flask_babel import lazy_gettext as _l

from herbs import labels as herb_labels
from tcm_app.domains import INSTALLED_DOMAINS
from tcm_app.labels import ERROR_MESSAGES, LABELS, label, label_choices, register_labels

DOMAIN_LABELS = [import_module(f"{domain}.labels") for domain in INSTALLED_DOMAINS]


@pytest.mark.parametrize("module", DOMAIN_LABELS, ids=lambda m: m.__name__)
def test_every_domain_label_is_in_the_table_after_set_up(app, module):
    assert module.LABELS and all(LABELS[code] is text for code, text in module.LABELS.items())
    assert all(ERROR_MESSAGES[code] is text for code, text in module.ERROR_MESSAGES.items())


def test_registering_the_same_table_again_is_harmless(app):
    before = dict(LABELS)
    register_labels(herb_labels.LABELS, herb_labels.ERROR_MESSAGES)
    assert before == LABELS


def test_a_code_labelled_differently_is_refused(app):
    with pytest.raises(ValueError, match="approved"):
        register_labels({"approved": _l("Something else")}, {})
    assert LABELS["approved"] is herb_labels.LABELS["approved"]


def test_choices_built_at_import_show_the_label_when_rendered(app):
    from herbs.models import PrescriptionStatus

    with app.test_request_context():
        options = {c.value: str(c.label) for c in label_choices(PrescriptionStatus)}
        assert options["pending_review"] == label("pending_review") == "待药师审核"
