"""Encrypted projects from the command line, on a machine without a keyring (as CI is)."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import DEMO, cli


def test_encrypted_round_trip_with_recovery_key_file(tmp_path: Path) -> None:
    project = tmp_path / "secret.tsproj"
    created = cli("new", project, "--encrypted")
    assert created.returncode == 0, created.stderr
    assert "no secure keyring" in created.stderr
    key_file = tmp_path / "key.txt"
    key_file.write_text(created.stdout)  # the whole output, as `> key.txt` would save it

    locked_out = cli("info", project)
    assert locked_out.returncode == 1
    assert "is encrypted" in locked_out.stderr and "--recovery-key-file" in locked_out.stderr

    assert cli("import", project, DEMO, "--recovery-key-file", key_file).returncode == 0
    info = json.loads(cli("info", project, "--json", "--recovery-key-file", key_file).stdout)
    assert info["tables"][0]["rows"] == 60_000
    assert b"credit_applications" not in project.read_bytes()

    printed = cli("recovery-key", project, "--recovery-key-file", key_file)
    assert printed.stdout.strip() in created.stdout
    assert "Store it safely" in printed.stderr


def test_wrong_and_malformed_key_files(tmp_path: Path) -> None:
    project = tmp_path / "secret.tsproj"
    cli("new", project, "--encrypted")
    other = cli("new", tmp_path / "other.tsproj", "--encrypted").stdout
    wrong = tmp_path / "wrong.txt"
    wrong.write_text(other)
    result = cli("info", project, "--recovery-key-file", wrong)
    assert result.returncode == 1 and "wrong recovery key" in result.stderr
    garbled = tmp_path / "garbled.txt"
    garbled.write_text(other.strip()[:-3] + "AAA\n")
    result = cli("info", project, "--recovery-key-file", garbled)
    assert result.returncode == 1 and "checksum" in result.stderr
    result = cli("info", project, "--recovery-key-file", tmp_path / "missing.txt")
    assert result.returncode == 1 and "Cannot read the recovery key file" in result.stderr


def test_encrypt_and_decrypt_commands(tmp_path: Path) -> None:
    project = tmp_path / "p.tsproj"
    cli("new", project)
    cli("import", project, DEMO)
    encrypted = cli("encrypt", project)
    assert encrypted.returncode == 0, encrypted.stderr
    key_file = tmp_path / "key.txt"
    key_file.write_text(encrypted.stdout)
    assert b"revolving_utilization" not in project.read_bytes()
    assert cli("decrypt", project, "--recovery-key-file", key_file).returncode == 0
    trail = json.loads(cli("audit", project, "--json").stdout)
    assert [entry["action"] for entry in trail] == ["import", "encrypt", "decrypt"]
    refused = cli("recovery-key", project)
    assert refused.returncode == 1 and "not encrypted" in refused.stderr


def test_exports_of_an_encrypted_project_warn_they_are_not_encrypted(tmp_path: Path) -> None:
    project = tmp_path / "secret.tsproj"
    key_file = tmp_path / "key.txt"
    key_file.write_text(cli("new", project, "--encrypted").stdout)
    table = tmp_path / "options.csv"
    table.write_text("option,cost,quality\na,1,0.5\nb,2,0.7\nc,3,0.6\n")
    key = ("--recovery-key-file", key_file)
    assert cli("import", project, table, *key).returncode == 0
    analyzed = cli("analyze", project, "generic", "--table", "options", "--objective", "cost:min",
                   "--objective", "quality:max", "--name", "opts", *key)  # fmt: skip
    assert analyzed.returncode == 0, analyzed.stderr
    exported = cli("candidates", project, "opts", "--out", tmp_path / "opts.csv", *key)
    assert exported.returncode == 0, exported.stderr
    assert "is NOT encrypted" in exported.stderr
    plain = tmp_path / "plain.tsproj"
    cli("new", plain)
    cli("import", plain, table)
    cli("analyze", plain, "generic", "--table", "options", "--objective", "cost:min", "--name", "opts")
    assert "NOT encrypted" not in cli("candidates", plain, "opts", "--out", tmp_path / "p.csv").stderr
