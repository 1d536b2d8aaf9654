"""`flask seed-demo`: the core makes its part, then each installed domain adds its own through the
seed it registered in its setup.py (tcm_app/services/demo.py, add_demo_seed), in this order: later
parts build on earlier ones (herb orders on approved prescriptions)."""

DOMAIN_SEEDS = [
    "herbs.services.demo",
    "decoction.services.demo",
    "treatments.services.demo",
    "consults.services.demo",
    "constitution.services.demo",
    "followup.services.demo",
    "quality.services.demo",
    "external_rx.services.demo",
]


def test_the_domains_seed_their_demo_in_order(app):
    seeds = sorted(app.extensions["demo_seeds"], key=lambda d: d.order)
    assert [seed.seed.__module__ for seed in seeds] == DOMAIN_SEEDS
