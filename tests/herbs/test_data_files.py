"""The shipped catalogue files are complete and consistent (a reviewer's first line of defence)."""

import pytest

from herbs.catalogue import parse_documents
from herbs.services.data_files import read_yaml_folder

pytestmark = pytest.mark.pure


@pytest.fixture(scope="module")
def parsed():
    return parse_documents(read_yaml_folder("herbs"))


def test_every_row_is_valid(parsed):
    _herbs, errors = parsed
    assert errors == []


def test_at_least_400_decoction_pieces_each_with_a_source_and_edition(parsed):
    herbs, _errors = parsed
    assert len(herbs) >= 400
    assert all(herb.source and herb.edition for herb in herbs)
