"""Every password the app stores is a salted scrypt hash, never the password: at registration,
on a change, for the signing password and for an administrator's temporary password. (The test
accounts of tests/factories.py use a fast hash; these go through the app's own code.)"""

import pytest
from werkzeug.security import check_password_hash

from tcm_app.models.accounts import Role
from tcm_app.services import accounts, recovery
from tcm_app.services.patients import register_patient
from tests.factories import PASSWORD, create_doctor, create_user

NEW = "Another-passw0rd-9"


def registered(password) -> str:
    user = register_patient("wangli85", password, "王丽", "11010519850601002X", "13812345678").user
    return user.password_hash


def changed(password) -> str:
    user = create_user()
    accounts.change_password(user, password, actor=user)
    return user.password_hash


def signing(password) -> str:
    doctor = create_doctor()
    accounts.set_signing_password(doctor, PASSWORD, password, source=None)
    return doctor.signing_password_hash


STORES = [
    pytest.param(registered, id="a patient registering stores scrypt"),
    pytest.param(changed, id="a changed password is stored as scrypt"),
    pytest.param(signing, id="a signing password is stored as scrypt"),
]


@pytest.mark.parametrize("store", STORES)
def test_the_app_stores_scrypt_hashes(app, store):
    stored = store(NEW)
    assert stored.startswith("scrypt:32768:8:1$") and NEW not in stored
    assert check_password_hash(stored, NEW) and not check_password_hash(stored, NEW + "x")


def test_the_same_password_is_stored_differently_salted(app):
    assert changed(NEW) != changed(NEW)


def test_a_temporary_password_is_stored_as_scrypt(app):
    admin, staff = create_user(Role.ADMIN), create_user(Role.PHARMACIST)
    temporary = recovery.reset_staff_password(staff, admin)
    assert staff.password_hash.startswith("scrypt:") and temporary not in staff.password_hash
    assert check_password_hash(staff.password_hash, temporary)
