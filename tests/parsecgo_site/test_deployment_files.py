"""The deployment files (Dockerfile, compose.yaml, deploy/Caddyfile, .env.example) are valid
and say what docs/deploying.md says of them, and every variable the settings read is
documented."""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from parsecgo_site.healthcheck import main as healthcheck_main
from parsecgo_site.healthcheck import probe_host

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "deploying.md").read_text(encoding="utf-8")
COMPOSE_SCHEMA = Path(__file__).parent / "compose_spec" / "compose-spec.json"
APP_SERVICES = ("migrate", "web1", "web2", "worker")
WEB_SERVICES = ("web1", "web2")
# Read by compose.yaml and its Caddy, not by the settings.
COMPOSE_VARIABLES = {"SITE_HOST", "POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"}


def _compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def _dockerfile(text: str | None = None) -> list[tuple[str, str]]:
    """The Dockerfile's instructions (or those of `text`) as (KEYWORD, arguments), continuation
    lines joined and runs of spaces made one."""
    if text is None:
        text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    instructions, pending = [], ""
    for line in text.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        keyword, _, arguments = " ".join((pending + line).split()).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def _instruction(keyword: str) -> str:
    found = [arguments for name, arguments in _dockerfile() if name == keyword]
    assert found, f"the Dockerfile has no {keyword}"
    return found[-1]


def _doc_dockerfile() -> list[tuple[str, str]]:
    """The instructions docs/deploying.md quotes from the Dockerfile (its dockerfile block)."""
    block = re.search(r"^```dockerfile\n(.*?)^```", DOC, flags=re.MULTILINE | re.DOTALL)
    assert block is not None, "docs/deploying.md quotes no Dockerfile"
    return _dockerfile(block.group(1))


def _settings_variables() -> set[str]:
    """The names settings.py reads through env_str, env_bool, env_int, env_list and env_url."""
    tree = ast.parse((ROOT / "parsecgo_site" / "settings.py").read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id.startswith("env_")
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def _env_example_variables() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def _compose_command() -> list[str] | None:
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run(
            [docker, "compose", "version"], capture_output=True, text=True, timeout=30
        )
        if probe.returncode == 0:
            return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def _project_copy(directory: Path) -> Path:
    """The compose file with what it reads beside it, and .env made from .env.example as the
    doc says to."""
    shutil.copy(ROOT / "compose.yaml", directory / "compose.yaml")
    shutil.copy(ROOT / ".env.example", directory / ".env")
    (directory / "deploy").mkdir()
    shutil.copy(ROOT / "deploy" / "Caddyfile", directory / "deploy" / "Caddyfile")
    return directory


# --- compose.yaml ---------------------------------------------------------------------------


def test_it_passes_docker_compose_config(tmp_path):
    command = _compose_command()
    if command is None:
        message = "neither `docker compose` nor `docker-compose` is installed (.ci/run installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    project = _project_copy(tmp_path)
    finished = subprocess.run(
        [*command, "--project-directory", str(project), "-f", str(project / "compose.yaml")]
        + ["config"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=project,
    )
    assert finished.returncode == 0, finished.stderr
    resolved = yaml.safe_load(finished.stdout)
    assert set(resolved["services"]) == {*APP_SERVICES, "postgres", "redis", "proxy"}
    web = resolved["services"]["web1"]["environment"]
    assert web["DATABASE_URL"] == "postgres://parsecgo:change-me@postgres:5432/parsecgo"
    assert web["SECRET_KEY"] and web["DEBUG"] == "false"


def test_it_is_valid_against_the_compose_specification():
    validator = jsonschema.Draft7Validator(json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8")))
    compose = _compose()
    assert [error.message for error in validator.iter_errors(compose)] == []
    # The schema does refuse a mistake (an unknown key in a service).
    compose["services"]["web1"]["helthcheck"] = {"test": ["CMD", "true"]}
    assert list(validator.iter_errors(compose))


def test_it_runs_the_services_the_doc_promises():
    services = _compose()["services"]
    assert set(services) == {*APP_SERVICES, "postgres", "redis", "proxy"}
    for name in services:
        assert f"`{name}`" in DOC, f"docs/deploying.md does not name the service {name}"
    for name in WEB_SERVICES:  # the image's own CMD and HEALTHCHECK
        assert "command" not in services[name] and "healthcheck" not in services[name]
    assert services["worker"]["command"] == ["python", "manage.py", "worker"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    for name in APP_SERVICES:
        assert services[name]["build"] == "."
        assert services[name]["env_file"] == ".env"
        assert services[name]["environment"]["TASKS_BACKEND"] == "redis"


def test_it_checks_the_health_of_every_long_running_service():
    services = _compose()["services"]
    assert services["migrate"]["healthcheck"] == {"disable": True}  # runs once and exits
    for name in ("worker", "postgres", "redis", "proxy"):
        assert services[name]["healthcheck"]["test"][0] in ("CMD", "CMD-SHELL"), name
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"][1]
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


def test_it_starts_each_service_after_what_it_needs():
    services = _compose()["services"]
    conditions = {
        name: {after: rule["condition"] for after, rule in service.get("depends_on", {}).items()}
        for name, service in services.items()
    }
    assert conditions["migrate"] == {"postgres": "service_healthy"}
    for name in (*WEB_SERVICES, "worker"):
        assert conditions[name] == {
            "migrate": "service_completed_successfully",
            "postgres": "service_healthy",
            "redis": "service_healthy",
        }
    assert conditions["proxy"] == {"web1": "service_healthy", "web2": "service_healthy"}


def test_it_defines_every_variable_the_compose_file_interpolates():
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    interpolated = set(re.findall(r"(?<!\$)\$\{([A-Z_]+)\}", text))
    assert interpolated == COMPOSE_VARIABLES
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    for name in interpolated:  # set, not commented out: compose would interpolate ''
        assert re.search(rf"^{name}=\S", example, flags=re.MULTILINE), name


# --- the Dockerfile -------------------------------------------------------------------------


def test_it_builds_on_python_3_11_slim_with_weasyprints_libraries():
    assert _instruction("FROM").startswith("python:3.11-slim")
    installed = " ".join(arguments for name, arguments in _dockerfile() if name == "RUN")
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"):
        assert package in installed
    collect = next(a for n, a in _dockerfile() if n == "RUN" and "collectstatic" in a)
    assert "SECRET_KEY=" in collect and "DEBUG=false" in collect
    # The dummy key is set for that step only, never in the image's environment.
    assert all("SECRET_KEY" not in arguments for name, arguments in _dockerfile() if name == "ENV")


def test_it_runs_gunicorn_as_an_unprivileged_user_on_the_exposed_port():
    instructions = _dockerfile()
    keywords = [name for name, _ in instructions]
    user = _instruction("USER")
    assert user not in ("root", "0") and keywords.index("USER") < keywords.index("CMD")
    port = _instruction("EXPOSE")
    command = json.loads(_instruction("CMD"))
    assert command[:2] == ["gunicorn", "parsecgo_site.wsgi"]
    assert command[command.index("--bind") + 1] == f"0.0.0.0:{port}"
    # The doc shows the same command, and says it in words.
    assert ("CMD", _instruction("CMD")) in _doc_dockerfile()
    assert f"gunicorn parsecgo_site.wsgi --bind 0.0.0.0:{port} --access-logfile -" in DOC


def test_it_checks_the_health_of_gunicorn_on_healthz():
    healthcheck = _instruction("HEALTHCHECK")
    options, _, command = healthcheck.partition(" CMD ")
    probe = json.loads(command)
    assert probe[:3] == ["python", "-m", "parsecgo_site.healthcheck"]
    assert probe[3] == f"http://127.0.0.1:{_instruction('EXPOSE')}/healthz"
    assert ("HEALTHCHECK", healthcheck) in _doc_dockerfile()
    assert "--interval=30s" in options and "every 30 s" in DOC


def test_it_leaves_secrets_and_local_state_out_of_the_build_context():
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for entry in (".git", ".venv", ".env", "db.sqlite3*", "staticfiles"):
        assert entry in ignored
    # Nothing the Dockerfile copies is ignored.
    copied = [shlex.split(a)[0] for n, a in _dockerfile() if n == "COPY"]
    assert not set(copied) & set(ignored)


# --- the proxy -----------------------------------------------------------------------------


def test_it_proxies_to_both_web_services():
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    upstreams = re.search(r"^\s*reverse_proxy\s+([^{\n]+)\{", caddyfile, flags=re.MULTILINE)
    assert upstreams is not None
    port = _instruction("EXPOSE")
    assert upstreams.group(1).split() == [f"{name}:{port}" for name in WEB_SERVICES]
    assert re.search(r"^\s*health_uri /healthz$", caddyfile, flags=re.MULTILINE)
    # Its health probe sends a Host the site allows (Django answers 400 to any other).
    assert re.search(r"^\s*Host \{\$SITE_HOST\}$", caddyfile, flags=re.MULTILINE)
    proxy = _compose()["services"]["proxy"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert "TRUSTED_PROXY_COUNT=1" in (ROOT / ".env.example").read_text(encoding="utf-8")


# --- the environment -------------------------------------------------------------------------


def test_it_documents_every_variable_the_settings_read():
    read = _settings_variables()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "TRUSTED_PROXY_COUNT"} <= read
    table = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", DOC, flags=re.MULTILINE))
    assert read - table == set(), "missing from docs/deploying.md's table"
    assert table - read == set(), "in docs/deploying.md's table but read by no setting"


def test_it_lists_every_variable_the_settings_read_in_the_example_environment():
    listed = _env_example_variables()
    read = _settings_variables()
    assert read - listed == set(), "missing from .env.example"
    assert listed - read - COMPOSE_VARIABLES == set(), "in .env.example but read by nothing"


# --- the container's health probe ----------------------------------------------------------


def test_it_probes_with_a_host_the_site_allows():
    assert probe_host("parsecgo.example.org,www.example.org") == "parsecgo.example.org"
    assert probe_host(" .example.org") == "example.org"
    assert probe_host("*") == "localhost"
    assert probe_host("") == "localhost"


def test_it_reports_a_server_that_answers_healthz(live_server):
    assert healthcheck_main([f"{live_server.url}/healthz"]) == 0


def test_it_reports_a_server_that_does_not_answer(live_server):
    assert healthcheck_main([f"{live_server.url}/no-such-page"]) == 1
    assert healthcheck_main(["http://127.0.0.1:9/healthz"]) == 1
