"""Which package may import which (docs/architecture.md): a domain imports the core and itself,
and only the neighbours listed here (decoction prepares herbal prescriptions); the core imports
no domain at all, it reaches them only through the registry (tcm_app/domains.py imports each
`<domain>.setup` by name). Imports inside functions count."""

import pytest

from tcm_app.domains import INSTALLED_DOMAINS
from tests.test_import_cycles import imports_of, our_modules

pytestmark = pytest.mark.pure

CORE = "tcm_app"
# A domain's allowed neighbours besides the core; every other domain-to-domain import is refused.
ALLOWED_NEIGHBOURS = {
    # decoction prepares the hospital's prescriptions and approved outside ones (external_rx).
    "decoction": {"herbs", "external_rx"},
    # the pharmacist transcribes an outside prescription with the herb catalogue and its checks
    "external_rx": {"herbs"},
    "followup": {"herbs"},  # follow-up and adverse reactions are about a prescription and its herbs
    # The quality office only reads what it rates and counts: visits' text consults and video
    # calls (consults), prescriptions and their renewals (herbs), herb orders (decoction),
    # performed treatments (treatments). No domain imports quality.
    "quality": {"consults", "herbs", "decoction", "treatments"},
}


def package_of(module: str) -> str:
    return module.split(".", 1)[0]


def refused_edges(graph: dict[str, set[str]]) -> list[str]:
    refused = []
    for importer, imported in sorted(graph.items()):
        source = package_of(importer)
        allowed = {source, CORE, *ALLOWED_NEIGHBOURS.get(source, ())} if source != CORE else {CORE}
        refused += [f"{importer} -> {m}" for m in sorted(imported) if package_of(m) not in allowed]
    return refused


def test_domains_import_the_core_and_their_listed_neighbours_and_the_core_no_domain():
    modules = our_modules()
    graph = {name: imports_of(path, set(modules), name) for name, path in modules.items()}
    assert refused_edges(graph) == []


def test_every_listed_neighbour_is_an_installed_domain():
    for domain, neighbours in ALLOWED_NEIGHBOURS.items():
        assert {domain, *neighbours} <= set(INSTALLED_DOMAINS)


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("tcm_app.services.demo", "herbs.services.demo"),  # the core naming a domain
        ("herbs.views", "decoction.services.orders"),  # herbs may not reach into decoction
        ("consults.views", "diagnosis.services.tongue"),  # nor consults into diagnosis
    ],
    ids=[
        "the core importing a domain is refused",
        "herbs importing decoction is refused (only decoction -> herbs is allowed)",
        "consults importing diagnosis is refused",
    ],
)
def test_guard_a_forbidden_edge_is_found(importer, imported):
    assert refused_edges({importer: {imported}}) == [f"{importer} -> {imported}"]


def test_guard_the_allowed_edges_pass():
    graph = {"decoction.services.orders": {"herbs.models", "tcm_app.extensions"}}
    assert refused_edges(graph) == []
