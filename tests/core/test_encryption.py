"""Encrypted projects: keys in the keyring, recovery keys, conversion, and no plaintext on disk."""

from __future__ import annotations

import struct
from pathlib import Path

import duckdb
import keyring
import pytest

from support.memory_keyring import MemoryKeyring
from tradeoff_studio.core import keys
from tradeoff_studio.core.data.importer import import_files
from tradeoff_studio.core.encryption import decrypt_project, encrypt_project
from tradeoff_studio.core.errors import ProjectError
from tradeoff_studio.core.keys import KeyringUnavailableError, ProjectKeyError
from tradeoff_studio.core.paths import resources_dir
from tradeoff_studio.core.project import ProjectKeyRequiredError, create_project, open_project

DEMO = resources_dir() / "demo" / "credit_applications.parquet"


def use_no_keyring() -> None:
    """What headless Linux has."""
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())


def test_round_trip_keyring_recovery_key_and_wrong_key(
    tmp_path: Path, isolated_user_state: MemoryKeyring
) -> None:
    path = tmp_path / "secret.tsproj"
    with create_project(path, encrypted=True) as project:
        assert project.encrypted
        key = project.key
        project_id = project.project_id
        import_files(project, [DEMO])
    assert (keys.SERVICE, project_id) in isolated_user_state.secrets

    with open_project(path) as reopened:  # the keyring's key
        assert reopened.row_count("credit_applications") == 60_000

    isolated_user_state.secrets.clear()
    with pytest.raises(ProjectKeyRequiredError, match="recovery key"):
        open_project(path)
    assert key is not None
    recovery = keys.recovery_text(key)
    with open_project(path, key=keys.parse_recovery_text(recovery)) as reopened:
        assert reopened.row_count("credit_applications") == 60_000
    assert (keys.SERVICE, project_id) in isolated_user_state.secrets  # remembered again

    isolated_user_state.secrets.clear()
    with pytest.raises(ProjectKeyError, match="wrong recovery key"):
        open_project(path, key=keys.new_key())


def test_no_value_of_the_demo_data_is_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.tsproj"
    with create_project(path, encrypted=True) as project:
        import_files(project, [DEMO])
    raw = path.read_bytes()
    con = duckdb.connect()
    frame = con.execute("SELECT * FROM read_parquet(?) USING SAMPLE 300 ROWS", [str(DEMO)]).fetchall()
    names = [row[0] for row in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(DEMO)]).fetchall()]
    needles = {name.encode() for name in names} | {b"female", b"group_a", b"credit_applications"}
    for row in frame:
        for value in row:
            if isinstance(value, float):
                needles.add(struct.pack("<d", value))
            elif isinstance(value, int) and abs(value) > 10_000:
                needles.add(struct.pack("<q", value))
    needles = {needle for needle in needles if len(set(needle) - {0}) >= 4}  # skip 0.0 and the like
    found = [needle for needle in needles if needle in raw]
    assert found == []
    assert len(needles) > 1_000


def test_encrypt_then_decrypt_existing_project(tmp_path: Path, isolated_user_state: MemoryKeyring) -> None:
    path = tmp_path / "p.tsproj"
    with create_project(path) as project:
        import_files(project, [DEMO])
        project_id = project.project_id
    assert b"revolving_utilization" in path.read_bytes()

    key = encrypt_project(open_project(path))
    assert b"revolving_utilization" not in path.read_bytes()
    with open_project(path) as project:
        assert project.encrypted and project.key == key
        assert project.row_count("credit_applications") == 60_000
        assert [
            entry[0] for entry in project.con.execute("SELECT action FROM _ts.audit ORDER BY seq").fetchall()
        ] == [
            "import",
            "encrypt",
        ]
        decrypt_project(project)
    assert (keys.SERVICE, project_id) not in isolated_user_state.secrets
    with open_project(path) as project:
        assert not project.encrypted
        assert project.row_count("credit_applications") == 60_000


def test_encrypting_twice_is_refused(tmp_path: Path) -> None:
    project = create_project(tmp_path / "p.tsproj", encrypted=True)
    with pytest.raises(ProjectError, match="already encrypted"):
        encrypt_project(project)
    project.close()


def test_without_keyring_the_recovery_key_is_needed_each_time(tmp_path: Path) -> None:
    use_no_keyring()
    assert not keys.keyring_available()
    path = tmp_path / "p.tsproj"
    with create_project(path, encrypted=True) as project:
        key = project.key
    assert key is not None
    for _ in range(2):
        with pytest.raises(ProjectKeyRequiredError, match="recovery key"):
            open_project(path)
        with open_project(path, key=key) as project:
            assert project.encrypted
    index = Path(__import__("os").environ["XDG_DATA_HOME"]) / "tradeoff-studio" / "project-index.json"
    assert not index.exists() or keys.recovery_text(key) not in index.read_text()


def test_plaintext_keyring_backends_are_refused() -> None:
    class PlaintextKeyring(MemoryKeyring):
        """Stands for keyrings.alt.file.PlaintextKeyring."""

    keyring.set_keyring(PlaintextKeyring())
    with pytest.raises(KeyringUnavailableError, match="No secure keyring"):
        keys.store_key("id", keys.new_key(), Path("x.tsproj"))


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda text: text.replace("TSK1", "ABC1"), "not a Tradeoff Studio recovery key"),
        (lambda text: text[:-1] + ("A" if text[-1] != "A" else "B"), "checksum"),
        (lambda text: text[:20], "checksum"),
        (lambda text: text[:-2] + "!!", "characters"),
    ],
)
def test_mistyped_recovery_keys(mangle, message: str) -> None:
    text = keys.recovery_text(keys.new_key())
    with pytest.raises(ProjectKeyError, match=message):
        keys.parse_recovery_text(mangle(text))


def test_recovery_key_tolerates_spacing_and_case() -> None:
    key = keys.new_key()
    text = keys.recovery_text(key)
    assert keys.parse_recovery_text("  " + text.lower().replace("-", " - ") + "\n") == key
